#!/usr/bin/env bash
# pre-commit hook: before a commit that touches Terraform, the checklist or
# the tfaudit configuration, check the configuration and the current plan.
# Install as .git/hooks/pre-commit, or with pre-commit (pre-commit.com):
#
#   - repo: local
#     hooks:
#       - id: tfaudit
#         name: tfaudit check
#         entry: docs/ci/pre-commit-hook.sh
#         language: script
#         files: '(\.tf|\.tfaudit\.yml|tfaudit/.*\.md)$'
#         pass_filenames: false
#
# Lines between "# tfaudit-recipe-begin" and "# tfaudit-recipe-end" are run
# by tests/sh/recipes.sh on fixtures (docs/ci/README.md), so they keep working.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
if [ "${TFAUDIT_HOOK_SKIP_PLAN:-}" != 1 ]; then
  terraform plan -input=false -lock=false -out=.tfaudit-tfplan >/dev/null
  terraform show -json .tfaudit-tfplan > tfplan.json
  rm -f .tfaudit-tfplan
fi
# tfaudit-recipe-begin
tfaudit config show check > /dev/null   # .tfaudit.yml is valid, its variables are set
tfaudit check --format text tfplan.json
# tfaudit-recipe-end
