// simdjson_count.cpp - the peer of tfaudit's plan reader in make bench: a
// simdjson On Demand program that counts a plan's resource_changes by their
// first action, the work `tfaudit summarize` must at least do.
//
// Build: g++ -O2 -o simdjson_count simdjson_count.cpp -lsimdjson
// Run:   simdjson_count PLAN.json   -> "create=N update=N ..." on stdout
#include <simdjson.h>

#include <cstdio>
#include <map>
#include <string>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: simdjson_count PLAN.json\n");
        return 2;
    }
    simdjson::padded_string json;
    if (simdjson::padded_string::load(argv[1]).get(json)) {
        std::fprintf(stderr, "simdjson_count: cannot read %s\n", argv[1]);
        return 2;
    }
    simdjson::ondemand::parser parser;
    std::map<std::string, long> counts;
    try {
        simdjson::ondemand::document doc = parser.iterate(json);
        for (auto rc : doc["resource_changes"].get_array()) {
            simdjson::ondemand::array actions = rc["change"]["actions"].get_array();
            std::string key;
            for (auto a : actions) {
                if (!key.empty())
                    key += '-';
                key += std::string_view(a.get_string());
            }
            counts[key]++;
        }
    } catch (const simdjson::simdjson_error &e) {
        std::fprintf(stderr, "simdjson_count: %s: %s\n", argv[1], e.what());
        return 2;
    }
    const char *sep = "";
    for (const auto &kv : counts) {
        std::printf("%s%s=%ld", sep, kv.first.c_str(), kv.second);
        sep = " ";
    }
    std::printf("\n");
    return 0;
}
