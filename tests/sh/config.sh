#!/usr/bin/env bash
# config.sh TFAUDIT - .tfaudit.yml: precedence flag > env > config > default
# as `config show` reports it, unknown keys with file:line:col and a
# suggestion, ${VAR} interpolation, workspaces, discovery upwards (stopping
# at the repository root), secrets never shown, and a command really using
# the configured values.
. "$(dirname "$0")/lib.sh"

repo=$T/repo
mkdir -p "$repo/.git" "$repo/infra/prod" "$repo/checklists"
cp "$SRC/checklists/telemetry-apply.md" "$repo/checklists/"
cat >"$repo/.tfaudit.yml" <<'YAML'
# team defaults
defaults:
  checklist: checklists/telemetry-apply.md
  ledger: state/ledger.db
  now: 2025-06-02T08:00:00Z
gate:
  section: Before apply
  notify: ${TFAUDIT_TEST_WEBHOOK}
  window: ${TFAUDIT_TEST_WINDOW:-CHG-0}
ledger:
  format: json
workspaces:
  prod:
    defaults:
      waivers: prod-waivers.md
      expect: no-changes
    gate:
      section: After apply
      sign-off: [leadership=Dana Reyes, "owner=Ops: on call"]
      operator: pay$$day
YAML

# --- discovery upwards, paths relative to the file ---------------------------
cd "$repo/infra/prod"
TFAUDIT_TEST_WEBHOOK=https://hooks.example/SECRET-TOKEN-123 run "$TFAUDIT" config show gate
expect_status 0 "config show"
expect_out '^config: \.\./\.\./\.tfaudit\.yml$' "found two levels up"
expect_out '^checklist +\.\./\.\./checklists/telemetry-apply\.md +\.\./\.\./\.tfaudit\.yml:3:14 \(defaults\)$' \
  "relative path made relative to the file, with file:line:col"
expect_out '^section +Before apply +.*:7:12 \(gate\)$' "command section beats defaults"
expect_out '^window +\$\{TFAUDIT_TEST_WINDOW:-CHG-0\} +.*\(gate\)$' '${VAR:-default} shown as written'
# the secret is shown as written, never expanded
expect_out '^notify +\$\{TFAUDIT_TEST_WEBHOOK\} ' "interpolated value shown as written"
refute SECRET-TOKEN-123 "config show"
expect_out '^format +- +default$' "ledger: applies to ledger subcommands only"

# --- precedence: flag > env > config > default -------------------------------
TFAUDIT_TEST_WEBHOOK=x TFAUDIT_LEDGER=/env/ledger.db TFAUDIT_SECTION="From env" \
  run "$TFAUDIT" config show gate --section "From flag"
expect_out '^section +From flag +--section$' "flag beats env and config"
expect_out '^ledger +\$\{TFAUDIT_LEDGER\} +env TFAUDIT_LEDGER$' "env beats config, shown by name"
refute /env/ledger.db "env values are not printed"
expect_out '^checklist +.* \(defaults\)$' "config beats default"
expect_out '^operator +- +default$' "default"
TFAUDIT_TEST_WEBHOOK=x run "$TFAUDIT" config show ledger list
expect_out '^format +json +.*:11:11 \(ledger\)$' "group section applies to its subcommands"
expect_out '^ledger +\.\./\.\./state/ledger\.db ' "defaults apply to ledger list"

# --- a missing variable is an error at its position --------------------------
run "$TFAUDIT" config show gate
expect_status 2 "unset variable"
expect_err "^tfaudit: \.\./\.\./\.tfaudit\.yml:8:11: environment variable 'TFAUDIT_TEST_WEBHOOK' is not set" \
  "unset variable error"
# ... but only for values the command uses
run "$TFAUDIT" config show check
expect_status 0 "another command does not need gate's variable"

# --- workspaces ----------------------------------------------------------------
TFAUDIT_TEST_WEBHOOK=x run "$TFAUDIT" config show gate --workspace prod
expect_out '^workspace: prod$' "workspace selected"
expect_out '^section +After apply +.*\(workspaces\.prod\.gate\)$' "workspace command section wins"
expect_out '^waivers +\.\./\.\./prod-waivers\.md +.*\(workspaces\.prod\.defaults\)$' "workspace defaults"
expect_out '^sign-off +\[leadership=Dana Reyes, owner=Ops: on call\] +.*:19:18 \(workspaces\.prod\.gate\)$' "a list"
expect_out '^operator +pay\$day +' '$$ is a $'
TFAUDIT_TEST_WEBHOOK=x run "$TFAUDIT" config show gate --workspace prod --sign-off a=b
expect_out '^sign-off +\[a=b\] +--sign-off$' "a flag replaces the configured list"
TFAUDIT_TEST_WEBHOOK=x TFAUDIT_WORKSPACE=prod run "$TFAUDIT" config show check
expect_out '^section +- +default$' "check has no section configured"
expect_out '^waivers +.*prod-waivers\.md .*workspaces\.prod\.defaults' "TFAUDIT_WORKSPACE selects for check"

# --- the command uses what config show says ----------------------------------
cd "$repo"
mkdir -p plans && cp "$SRC/fixtures/plans/grafana-clean.json" plans/
TFAUDIT_TEST_WEBHOOK= run "$TFAUDIT" check --section "Before apply" \
  --sign-off "leadership=Dana Reyes:ok" plans/grafana-clean.json
expect_status 0 "check with the configured checklist and now"
expect_out '^evaluated: 2025-06-02T08:00:00Z$' "configured now used"
expect_out '^checklist: checklists/telemetry-apply.md' "configured checklist used"

# a workspace's stricter settings turn the same plan NO-GO (prod expects no change)
printf '| item | owner | expires | reason |\n|---|---|---|---|\n| scope | ops | 2099-01-01 | test |\n' \
  >prod-waivers.md
TFAUDIT_TEST_WEBHOOK= run "$TFAUDIT" check --section "Before apply" --workspace prod \
  --sign-off "leadership=Dana Reyes:ok" plans/grafana-clean.json
expect_status 1 "prod's expect: no-changes makes the plan NO-GO"
expect_out '^  FAIL +drift-free' "drift-free fails under prod"

# gate records the interpolated window into the configured ledger
TFAUDIT_TEST_WEBHOOK= run "$TFAUDIT" gate --notify "" --workspace telemetry \
  --sign-off "leadership=Dana Reyes:ok" plans/grafana-clean.json
expect_status 0 "gate with the configured ledger"
[ -f "$repo/state/ledger.db" ] || fail "the configured ledger was not written"
run "$TFAUDIT" ledger show 1 --format json
expect_out '"window": *"CHG-0"' "interpolated default recorded"

# --- --config and TFAUDIT_CONFIG; errors -------------------------------------
cat >"$T/typo.yml" <<'YAML'
defaults:
  checklist: a.md
  known_drift: kd.md
YAML
run "$TFAUDIT" config show audit --config "$T/typo.yml"
expect_status 2 "unknown key"
expect_err "^tfaudit: $T/typo\.yml:3:3: unknown key 'known_drift' in 'defaults': not an option of any command \(did you mean 'known-drift'\?\)$" \
  "unknown key with file:line:col and did you mean"
printf 'gaet:\n  section: x\n' >"$T/cmd.yml"
TFAUDIT_CONFIG=$T/cmd.yml run "$TFAUDIT" config show gate
expect_err "^tfaudit: $T/cmd\.yml:1:1: unknown key 'gaet' .*\(did you mean 'gate'\?\)$" "unknown command section"
printf 'check:\n  notify: https://x\n' >"$T/wrongcmd.yml"
run "$TFAUDIT" config show check --config "$T/wrongcmd.yml"
expect_err "wrongcmd\.yml:2:3: unknown key 'notify' in 'check': not an option of check" "option of another command"
printf 'check:\n  format: yaml\n' >"$T/choice.yml"
run "$TFAUDIT" check --config "$T/choice.yml" x.json
expect_status 2 "invalid choice"
expect_err "choice\.yml:2:11: invalid value 'yaml' for 'format' of check \(choose text\|markdown\|json\|junit" "choice checked"
printf 'defaults: [a\n' >"$T/broken.yml"
run "$TFAUDIT" config show check --config "$T/broken.yml"
expect_status 2 "not YAML"
expect_err "^tfaudit: $T/broken\.yml:2:1: not YAML" "YAML syntax error with position"
run "$TFAUDIT" config show check --config "$T/none.yml"
expect_status 2 "missing --config file"
printf 'defaults:\n  checklist: a.md\n  checklist: b.md\n' >"$T/dup.yml"
run "$TFAUDIT" config show check --config "$T/dup.yml"
expect_err "dup\.yml:3:3: duplicate key 'checklist'" "duplicate key"

# --- discovery stops at the repository root ----------------------------------
mkdir -p "$T/outer/inner/.git" "$T/outer/inner/sub"
printf 'defaults:\n  section: outer\n' >"$T/outer/.tfaudit.yml"
cd "$T/outer/inner/sub"
run "$TFAUDIT" config path
expect_status 0 "config path"
[ -z "$out" ] || fail "a file above the repository root was used: $out"
cd "$T/outer"
run "$TFAUDIT" config path
expect_out '^\.tfaudit\.yml$' "config path in the file's directory"
finish
