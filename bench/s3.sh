#!/usr/bin/env bash
# bench/s3.sh BUILD_DIR WORKDIR - S3 upload and read-back throughput of
# tfaudit against curl --aws-sigv4, same file, same server (s3rver on
# 127.0.0.1, tests/net/s3/start.sh), same run. Medians of RUNS (default 3),
# interleaved. The machine's load average is printed with the figures: on a
# shared machine, compare runs taken at the same load.
#
#   upload     tfaudit archive --raw of SIZE_MB (default 100) incompressible
#              bytes: packed twice, a chunk at a time into tar + gzip
#              members on every core (incompressible blocks stored, framed
#              around the input's own bytes, not copied). First measured
#              (the input's SHA-256 on a thread of its own, the archive's on
#              the packing's, no bytes kept), then packed again into one
#              signed PUT as it is sent, following the first packing's
#              choice for each block (no probe, no CRC again for a stored
#              one), the bytes sent hashed again and checked against the
#              first packing's before the last ones leave; + HEAD (archives
#              over --multipart-threshold, 128M, go as concurrent multipart
#              parts instead); curl -T of the archive tfaudit made (the same
#              bytes, one PUT, payload hash signed)
#   parts      curl sending the archive tfaudit made as a multipart upload of
#              16 MiB parts, 4 curl processes at once, then
#              CompleteMultipartUpload (what the server's multipart path
#              costs: s3rver copies the parts into the object on one thread,
#              a floor curl -T does not pay, and why tfaudit sends one PUT
#              up to the threshold)
#   pack only  gzip -6 of the input to /dev/null: what packing costs on one
#              core with the standard tool (tfaudit packs on every core)
# Target: tfaudit archive within 1.5x of curl -T (PASS/FAIL printed); the
# ratio against curl's multipart upload is printed beside it.
#   read back  tfaudit bundle verify s3://... (ranged GETs, gunzip, tar, every
#              entry hashed) vs curl GET of the same object to /dev/null
set -euo pipefail
build=$(cd "${1:?usage: bench/s3.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: bench/s3.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
tfaudit=$build/auditor/tfaudit
runs=${RUNS:-3} size_mb=${SIZE_MB:-100}
mkdir -p "$work"
work=$(cd "$work" && pwd)
srv=$work/server
rm -rf "$srv"
LIFETIME=900 "$here/../tests/net/s3/start.sh" "$srv"
trap 'kill $(cat "$srv/pids") 2>/dev/null || true' EXIT
port=$(cat "$srv/s3.port")
export AWS_ACCESS_KEY_ID=AKIATFAUDITTEST0001 AWS_SECRET_ACCESS_KEY=tfaudit-test-secret-0b7d
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port
sig=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY")
empty=$(printf '' | sha256sum | cut -d' ' -f1)

input=$work/input.bin
if [[ ! -f $input || $(stat -c %s "$input") -ne $((size_mb << 20)) ]]; then
  head -c $((size_mb << 20)) /dev/urandom > "$input"
fi

now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }

# curl_parts FILE KEY: a multipart upload of FILE in 16 MiB parts, 4 at once
curl_parts() {
  local file=$1 key=$2 id dir body sha
  id=$(curl -sf "${sig[@]}" -H "x-amz-content-sha256: $empty" -X POST \
    "http://127.0.0.1:$port/big/$key?uploads=" | sed -n 's|.*<UploadId>\([^<]*\)</UploadId>.*|\1|p')
  [[ -n $id ]] || { echo "bench: CreateMultipartUpload failed" >&2; return 1; }
  dir=$(mktemp -d "$work/parts.XXXXXX")
  split -b 16M -d -a 4 "$file" "$dir/p"
  export id key port dir empty
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  ls "$dir" | xargs -P 4 -I{} bash -c 'f={}; n=$((10#${f#p} + 1))
    curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
      -H "x-amz-content-sha256: $(sha256sum "$dir/$f" | cut -d" " -f1)" -T "$dir/$f" -D "$dir/h$n" \
      -o /dev/null "http://127.0.0.1:$port/big/$key?partNumber=$n&uploadId=$id"'
  body="<CompleteMultipartUpload>"
  for h in $(ls "$dir" | grep '^h' | sed 's/^h//' | sort -n); do
    body+="<Part><PartNumber>$h</PartNumber><ETag>$(sed -n 's/^[Ee][Tt]ag: *//p' "$dir/h$h" | tr -d '\r')</ETag></Part>"
  done
  body+="</CompleteMultipartUpload>"
  sha=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
  curl -sf "${sig[@]}" -H "x-amz-content-sha256: $sha" -H "Content-Type: application/xml" \
    --data-binary "$body" -o /dev/null "http://127.0.0.1:$port/big/$key?uploadId=$id"
  rm -rf "$dir"
}

up_t=() up_c=() up_p=() pack_t=() rd_t=() rd_c=()
load0=$(cut -d' ' -f1 /proc/loadavg)
for i in $(seq "$runs"); do
  t0=$(now)
  "$tfaudit" archive --raw --to "s3://big/bench/" --workspace "run$i" \
    --now "2026-01-01T00:00:0${i}Z" "$input" > "$work/archive.out"
  t1=$(now)
  up_t+=("$(echo "$t1 - $t0" | bc)")
  key=$(sed -n 's|^archived .* to s3://big/||p' "$work/archive.out")
  sha=$(sed -n 's/^sha256: //p' "$work/archive.out")
  bytes=$(sed -n 's/^bytes: \([0-9]*\).*/\1/p' "$work/archive.out")
  # the same archive, fetched once, is what curl uploads
  curl -sf "${sig[@]}" -H "x-amz-content-sha256: $empty" -o "$work/archive.tar.gz" \
    "http://127.0.0.1:$port/big/$key"
  file_sha=$(sha256sum "$work/archive.tar.gz" | cut -d' ' -f1)
  [[ $file_sha == "$sha" ]] || { echo "bench: downloaded archive differs" >&2; exit 1; }
  t0=$(now)
  curl -sf "${sig[@]}" -H "x-amz-content-sha256: $file_sha" -T "$work/archive.tar.gz" \
    -o /dev/null "http://127.0.0.1:$port/big/curl/run$i.tar.gz"
  t1=$(now)
  up_c+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now)
  curl_parts "$work/archive.tar.gz" "curl-parts/run$i.tar.gz"
  t1=$(now)
  up_p+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); gzip -6 -c "$input" > /dev/null; t1=$(now)
  pack_t+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now)
  "$tfaudit" bundle verify --sha256 "$sha" "s3://big/$key" > /dev/null
  t1=$(now)
  rd_t+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now)
  curl -sf "${sig[@]}" -H "x-amz-content-sha256: $empty" -o /dev/null \
    "http://127.0.0.1:$port/big/$key"
  t1=$(now)
  rd_c+=("$(echo "$t1 - $t0" | bc)")
done
m() { printf '%s\n' "$@" | median; }
ut=$(m "${up_t[@]}") uc=$(m "${up_c[@]}") up=$(m "${up_p[@]}") pt=$(m "${pack_t[@]}")
rt=$(m "${rd_t[@]}") rc=$(m "${rd_c[@]}")
echo "== S3 throughput, $size_mb MiB input, archive $((bytes >> 20)) MiB, s3rver on 127.0.0.1, median of $runs (load $load0 -> $(cut -d' ' -f1 /proc/loadavg))"
printf '%-34s %8s %9s\n' "" seconds "MiB/s"
printf '%-34s %8.2f %9s\n' "upload: tfaudit archive (pack+send)" "$ut" "$(rate "$bytes" "$ut")"
printf '%-34s %8.2f %9s\n' "upload: curl --aws-sigv4 -T" "$uc" "$(rate "$bytes" "$uc")"
printf '%-34s %8.2f %9s\n' "upload: curl, same parts, 4 at once" "$up" "$(rate "$bytes" "$up")"
printf '%-34s %8.2f %9s\n' "  pack only: gzip -6 of the input" "$pt" "$(rate "$bytes" "$pt")"
printf '%-34s %8.2f %9s\n' "read: tfaudit bundle verify s3://" "$rt" "$(rate "$bytes" "$rt")"
printf '%-34s %8.2f %9s\n' "read: curl --aws-sigv4 GET" "$rc" "$(rate "$bytes" "$rc")"
r=$(awk -v a="$ut" -v b="$uc" 'BEGIN { printf "%.2f", a / b }')
echo "upload tfaudit/curl -T: ${r}x $(awk -v r="$r" 'BEGIN { print (r <= 1.5 ? "PASS" : "FAIL") }') (target <= 1.5)"
echo "upload tfaudit/curl same parts: $(awk -v a="$ut" -v b="$up" 'BEGIN { printf "%.2f", a / b }')x"
echo "ratio read   curl/tfaudit: $(awk -v a="$rc" -v b="$rt" 'BEGIN { printf "%.2f", a / b }')"
