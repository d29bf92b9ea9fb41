# Dependencies.cmake - every library tfaudit links, from Debian's packages,
# found through pkg-config with the oldest version the code needs. Each
# minimum names the API that sets it, so raising one is a decision, not an
# accident; Debian 12 (bookworm) satisfies all of them. A missing or too old
# library stops the configure with one message saying which package to
# install (`make deps` installs scripts/packages.txt).

find_package(PkgConfig REQUIRED)

# tfa_require(PREFIX MODULE MIN DEBIAN_PACKAGE REASON): PkgConfig::PREFIX for
# MODULE >= MIN, or a fatal error naming the version found and the package.
macro(tfa_require prefix module min debpkg reason)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET "${module}>=${min}")
  if(NOT ${prefix}_FOUND)
    execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --modversion ${module}
                    OUTPUT_VARIABLE _tfa_found OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE _tfa_rc ERROR_QUIET)
    if(NOT _tfa_rc EQUAL 0)
      set(_tfa_found "not found")
    endif()
    message(FATAL_ERROR
      "tfaudit needs ${module} >= ${min} (${reason}); pkg-config reports: ${_tfa_found}.\n"
      "On Debian 12: apt-get install ${debpkg}   (or: make deps)")
  endif()
  message(STATUS "${module} ${${prefix}_VERSION} (>= ${min})")
endmacro()

tfa_require(LIBCURL libcurl 7.85 libcurl4-openssl-dev
            "CURLOPT_PROTOCOLS_STR; curl_easy_header since 7.83, CURLOPT_CAINFO_BLOB since 7.77")
tfa_require(JANSSON jansson 2.14 libjansson-dev
            "json_object_iter_key_len for keys holding NUL")
tfa_require(LIBARCHIVE libarchive 3.6.0 libarchive-dev
            "archive_write_open2; zstd filter since 3.3.3")
tfa_require(LIBDEFLATE libdeflate 1.10 libdeflate-dev
            "libdeflate_alloc_compressor/libdeflate_gzip_compress: parallel gzip members")
tfa_require(LIBGIT2 libgit2 1.1 libgit2-dev
            "git_reference_name_is_valid; git_status_options_init since 1.0")
tfa_require(SQLITE3 sqlite3 3.38 libsqlite3-dev
            "JSON functions (json_extract) built in by default")
tfa_require(LIBPQ libpq 12 libpq-dev
            "the PostgreSQL ledger: PQconnectdbParams with expand_dbname, URIs, SQLSTATE fields")
tfa_require(LIBCRYPTO libcrypto 1.1.1 libssl-dev
            "Ed25519 through EVP_DigestSign/EVP_DigestVerify and raw public keys")
tfa_require(YAML yaml-0.1 0.1.6 libyaml-dev
            "document loader; 0.1.6 fixed the CVE-2014-9130 crash on hostile input")
tfa_require(LIBMICROHTTPD libmicrohttpd 0.9.71 libmicrohttpd-dev
            "enum MHD_Result callbacks")
if(BUILD_TESTING)
  tfa_require(CHECK check 0.11 check
              "ck_assert_ptr_null/_nonnull, ck_assert_double_eq; tests only: -DBUILD_TESTING=OFF builds without it")
endif()
find_package(Threads REQUIRED)
