#!/usr/bin/env bash
# The test command (README "Tests", .ci/run): every test with no ambient AWS settings, then the S3 integration
# tests again in a separate process with AWS_REGION, AWS_DEFAULT_REGION and config-file profile regions all set
# to regions other than the ones the tests name, so settings that leak from the environment show up.
set -euo pipefail
cd "$(dirname "$0")/.."

# The S3 integration tests start moto_server themselves and fail (never skip) when it cannot start.
command -v moto_server >/dev/null 2>&1 || echo "warning: moto_server is not on PATH; the S3 integration tests will fail" >&2

clean_env() {
    # Every AWS_* variable of the caller is dropped, so neither pass depends on the machine it runs on.
    local names
    names=$(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p')
    env $(for n in $names; do printf -- '-u %s ' "$n"; done) "$@"
}

ambient=$(mktemp -d)
trap 'rm -rf "$ambient"' EXIT
printf '' >"$ambient/empty"

echo "== pass 1: all tests, no ambient AWS settings"
clean_env AWS_CONFIG_FILE="$ambient/empty" AWS_SHARED_CREDENTIALS_FILE="$ambient/empty" dotnet test

cat >"$ambient/config" <<'INI'
[default]
region = eu-central-1
[profile ambient]
region = eu-central-1
INI
cat >"$ambient/credentials" <<'INI'
[ambient]
aws_access_key_id = AKIAAMBIENTKEY000001
aws_secret_access_key = ambient-secret
INI

echo "== pass 2: S3 integration tests with AWS_REGION, AWS_DEFAULT_REGION and profile regions set"
clean_env AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=ap-southeast-2 \
    AWS_CONFIG_FILE="$ambient/config" AWS_SHARED_CREDENTIALS_FILE="$ambient/credentials" \
    dotnet test tests/S3MlLayout.Module.Tests --no-build --filter "Category=S3"
