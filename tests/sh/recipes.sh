#!/usr/bin/env bash
# recipes.sh TFAUDIT - the CI recipes in docs/ci/ run: the tfaudit lines of
# each (between "# tfaudit-recipe-begin" and "# tfaudit-recipe-end", see
# docs/ci/README.md) run in order, in a repository laid out as the recipes
# say, on fixtures standing in for terraform's files. A clean plan and apply
# must pass; a drifted plan and an apply that did not do what was planned
# must each fail the pipeline.
. "$(dirname "$0")/lib.sh"

export PATH="$(dirname "$TFAUDIT"):$PATH"
# what the CI systems would set
export GITHUB_STEP_SUMMARY=$T/summary.md APPROVER=reviewer CHANGE=0123abc
export CI_ENVIRONMENT_NAME=production CI_PIPELINE_URL=https://gitlab.example/p/-/pipelines/1
export GITLAB_USER_LOGIN=reviewer WORKSPACE=default PULL_NUM=7 USER_NAME=reviewer

# extract RECIPE [DIR]: its marked lines, unindented, without a YAML list
# marker; with DIR, each block into DIR/step-N.sh (each block is one CI step,
# run by a shell of its own, as the CI systems do)
extract() {
  awk -v dir="${2:-}" '
       /^[ \t]*# tfaudit-recipe-end[ \t]*$/ { on = 0 }
       on { sub(/^[ \t]+/, ""); sub(/^- /, "");
            if (dir == "") print; else print > (dir "/step-" n ".sh") }
       /^[ \t]*# tfaudit-recipe-begin[ \t]*$/ { on = 1; n++ }' "$1"
}

# sandbox NAME PLAN APPLY: a repository as docs/ci/README.md lays it out
sandbox() {
  local dir=$T/$1
  rm -rf "$dir"
  mkdir -p "$dir/.git" "$dir/tfaudit"
  cp "$SRC/docs/ci/tfaudit.yml" "$dir/.tfaudit.yml"
  cp "$SRC/docs/ci/checklist.md" "$dir/tfaudit/checklist.md"
  cp "$SRC/$2" "$dir/tfplan.json"
  cp "$SRC/$3" "$dir/apply.json"
  echo "$dir"
}

# play RECIPE PLAN APPLY: the recipe's commands in a fresh sandbox; sets $status
play() {
  local dir
  dir=$(sandbox "$(basename "$1").run" "$2" "$3")
  extract "$1" "$dir"
  : >"$GITHUB_STEP_SUMMARY"
  (cd "$dir" && for step in $(ls step-*.sh | sort -t- -k2 -n); do
     TFAUDIT_LEDGER=$dir/ledger.db bash -eo pipefail "$step" || exit
   done) >"$T/.out" 2>"$T/.err"
  status=$?
  out=$(cat "$T/.out") err=$(cat "$T/.err")
  sandbox_dir=$dir
}

recipes=("$SRC"/docs/ci/github-actions.yml "$SRC"/docs/ci/gitlab-ci.yml "$SRC"/docs/ci/atlantis.yaml \
         "$SRC"/docs/ci/pre-commit-hook.sh)
for recipe in "${recipes[@]}"; do
  name=$(basename "$recipe")
  [ -n "$(extract "$recipe" | grep '^tfaudit ')" ] || fail "$name: no marked tfaudit command"
  case "$name" in
    *.yml|*.yaml)
      if python3 -c 'import yaml' 2>/dev/null; then
        python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$recipe" ||
          fail "$name: not valid YAML"
      fi;;
    *.sh) bash -n "$recipe" || fail "$name: not valid shell";;
  esac

  play "$recipe" fixtures/verify/plan.json fixtures/verify/apply-clean.log
  expect_status 0 "$name on a clean plan and apply"
  case "$name" in
    github-actions.yml)
      grep -q 'GO' "$GITHUB_STEP_SUMMARY" || fail "$name: nothing in the job summary"
      [ -s "$sandbox_dir/tfaudit-junit.xml" ] || fail "$name: no JUnit report";;
    gitlab-ci.yml)
      [ -s "$sandbox_dir/tfaudit-junit.xml" ] || fail "$name: no JUnit report";;
  esac
  if grep -q 'gate --section "After apply"' "$recipe"; then
    (cd "$sandbox_dir" && "$TFAUDIT" ledger verify --ledger ledger.db >/dev/null) ||
      fail "$name: ledger not written or not valid"
  fi

  play "$recipe" fixtures/plans/grafana-drift.json fixtures/verify/apply-clean.log
  [ "$status" = 1 ] || fail "$name: a drifted plan must fail the pipeline (exit $status; $err)"
  if grep -q 'After apply' "$recipe"; then
    play "$recipe" fixtures/verify/plan.json fixtures/verify/apply-mismatch.log
    [ "$status" = 1 ] || fail "$name: an apply unlike its plan must fail the pipeline (exit $status; $err)"
  fi
done
finish
