#!/usr/bin/env bash
# Upload a folder to CodeGuru Security (or a self-hosted `argus serve`),
# scan it and print the open findings.
#
#   run-scan.sh scanName uploadFolder [region]
#
# The same interface as the console's run_codeguru_security.sh ("Automate
# scans with the AWS CLI" in the user guide): re-run it with the same scan
# name and the updated folder to scan a new revision; findings that are no
# longer present become Closed.
#
# Steps: zip the folder (without .git), CreateUploadUrl, HTTP PUT of the zip
# with every returned request header, CreateScan, GetScan every POLL_SECONDS
# until the scan ends, then GetFindings --status Open (all pages).
#
# Output: the open findings as JSON ({"findings": [...]}, the GetFindings
# shape) on standard output; progress on standard error. Redirect stdout to
# keep the findings in a file: run-scan.sh my-scan src us-east-1 > my-scan.json
#
# Exit status: 0 scan Successful, 1 scan Failed (its errorMessage is printed)
# or timed out, 2 usage error or a missing tool, 3 a request to the service
# or the upload failed (the AWS CLI / curl message is shown).
#
# Environment:
#   AWS_ENDPOINT_URL     service endpoint, e.g. http://127.0.0.1:8080 for argus
#                        (passed as --endpoint-url: AWS CLI v1 ignores the variable)
#   AWS_ENDPOINT_URL_CODEGURU_SECURITY  the same, takes precedence
#   POLL_SECONDS         seconds between GetScan calls (default 5)
#   TIMEOUT_SECONDS      give up after this many seconds of polling (default 0: never)
#   ANALYSIS_TYPE        Security (default) or All
#   AWS credentials and profile as usual for the AWS CLI; region falls back to
#   AWS_REGION, AWS_DEFAULT_REGION, then `aws configure get region`.
# Requires: aws (the AWS CLI), curl, jq, zip.

set -euo pipefail

prog=$(basename "$0")

usage() {
    cat <<EOF
usage: $prog scanName uploadFolder [region]

  scanName      name of the scan: 1-140 characters from A-Z a-z 0-9 - _ \$ : .
                (use the same name again to scan a new revision)
  uploadFolder  folder with the code to scan (.git is left out); a .zip file
                is uploaded as is
  region        AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION or the
                AWS CLI configuration)

Prints the open findings as JSON on stdout. Exit status: 0 Successful,
1 scan Failed, 2 usage error, 3 service or upload error.
Environment: AWS_ENDPOINT_URL, POLL_SECONDS (5), TIMEOUT_SECONDS (0 = none),
ANALYSIS_TYPE (Security|All).
EOF
}

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
    local status=$1
    shift
    log "error: $*"
    exit "$status"
}
usage_error() {
    log "error: $*"
    usage >&2
    exit 2
}

if [[ $# -ge 1 && ( $1 == -h || $1 == --help ) ]]; then
    usage
    exit 0
fi
[[ $# -eq 2 || $# -eq 3 ]] || usage_error "expected 2 or 3 arguments, got $#"

scan_name=$1
upload_folder=$2
region=${3:-}

for tool in aws curl jq zip; do
    command -v "$tool" >/dev/null 2>&1 \
        || die 2 "'$tool' is not installed or not on PATH (this script needs the AWS CLI, curl, jq and zip)"
done

[[ $scan_name =~ ^[a-zA-Z0-9_\$:.-]{1,140}$ ]] \
    || usage_error "invalid scanName '$scan_name': 1-140 characters from A-Z a-z 0-9 - _ \$ : ."
[[ -e $upload_folder ]] || usage_error "'$upload_folder' does not exist"
if [[ -f $upload_folder && $upload_folder != *.zip && $upload_folder != *.ZIP ]]; then
    usage_error "'$upload_folder' is neither a folder nor a .zip file"
fi
[[ -d $upload_folder || -f $upload_folder ]] || usage_error "'$upload_folder' is neither a folder nor a .zip file"

poll_seconds=${POLL_SECONDS:-5}
[[ $poll_seconds =~ ^[0-9]+([.][0-9]+)?$ ]] && [[ ! $poll_seconds =~ ^0+([.]0+)?$ ]] \
    || usage_error "POLL_SECONDS must be a positive number of seconds, got '$poll_seconds'"
timeout_seconds=${TIMEOUT_SECONDS:-0}
[[ $timeout_seconds =~ ^[0-9]+$ ]] \
    || usage_error "TIMEOUT_SECONDS must be a whole number of seconds, got '$timeout_seconds'"
analysis_type=${ANALYSIS_TYPE:-Security}
[[ $analysis_type == Security || $analysis_type == All ]] \
    || usage_error "ANALYSIS_TYPE must be Security or All, got '$analysis_type'"

if [[ -z $region ]]; then
    region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
fi
if [[ -z $region ]]; then
    region=$(aws configure get region 2>/dev/null || true)
fi
[[ -n $region ]] || usage_error "no region given and none configured (pass it as the third argument or set AWS_DEFAULT_REGION)"

# Every AWS CLI call: this service, region, JSON output, custom endpoint.
aws_args=(--region "$region" --output json)
endpoint=${AWS_ENDPOINT_URL_CODEGURU_SECURITY:-${AWS_ENDPOINT_URL:-}}
if [[ -n $endpoint ]]; then
    aws_args+=(--endpoint-url "$endpoint")
fi
cgs() {
    aws codeguru-security "$@" "${aws_args[@]}"
}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/run-scan.XXXXXX")
trap 'rm -rf "$workdir"' EXIT

# 1. Zip the folder, paths relative to it, without version control data.
if [[ -d $upload_folder ]]; then
    zip_file=$workdir/code.zip
    log "zipping $upload_folder"
    zip_status=0
    (cd "$upload_folder" && zip -q -r "$zip_file" . -x '.git' '.git/*' '*/.git' '*/.git/*') >&2 \
        || zip_status=$?
    if [[ $zip_status -eq 12 ]]; then
        usage_error "'$upload_folder' has no files to upload"
    elif [[ $zip_status -ne 0 ]]; then
        die 2 "zip of '$upload_folder' failed (zip exit status $zip_status)"
    fi
else
    zip_file=$upload_folder
fi
log "archive: $(wc -c <"$zip_file" | tr -d ' ') bytes"

# 2. CreateUploadUrl.
upload_json=$(cgs create-upload-url --scan-name "$scan_name") \
    || die 3 "create-upload-url failed for scan '$scan_name'"
s3_url=$(jq -er '.s3Url' <<<"$upload_json") || die 3 "create-upload-url returned no s3Url"
code_artifact_id=$(jq -er '.codeArtifactId' <<<"$upload_json") \
    || die 3 "create-upload-url returned no codeArtifactId"
jq -e '(.requestHeaders // {}) | type == "object"
       and all(to_entries[]; (.key + (.value | tostring)) | test("[\r\n]") | not)' \
    <<<"$upload_json" >/dev/null || die 3 "create-upload-url returned malformed requestHeaders"
mapfile -t header_lines < <(jq -r '(.requestHeaders // {}) | to_entries[] | "\(.key): \(.value)"' <<<"$upload_json")
curl_headers=()
for line in "${header_lines[@]}"; do
    curl_headers+=(-H "$line")
done
log "code artifact $code_artifact_id (${#header_lines[@]} request headers)"

# 3. Upload the zip to the returned URL with exactly those headers. The URL
# carries its own authorization: it is not printed.
log "uploading"
if ! curl --silent --show-error --fail --retry 3 -X PUT -T "$zip_file" \
    "${curl_headers[@]}" -o /dev/null "$s3_url"; then
    die 3 "upload of the code to the URL from create-upload-url failed"
fi

# 4. CreateScan.
scan_json=$(cgs create-scan --scan-name "$scan_name" \
    --resource-id "codeArtifactId=$code_artifact_id" --analysis-type "$analysis_type") \
    || die 3 "create-scan failed for scan '$scan_name'"
run_id=$(jq -er '.runId' <<<"$scan_json") || die 3 "create-scan returned no runId"
state=$(jq -r '.scanState // "InProgress"' <<<"$scan_json")
log "scan $scan_name run $run_id: $state ($(jq -r '.scanNameArn // ""' <<<"$scan_json"))"

# 5. Poll GetScan until the run ends.
started=$SECONDS
while [[ $state == InProgress ]]; do
    if [[ $timeout_seconds -gt 0 && $((SECONDS - started)) -ge $timeout_seconds ]]; then
        die 1 "scan $scan_name run $run_id still InProgress after ${timeout_seconds}s"
    fi
    sleep "$poll_seconds"
    get_json=$(cgs get-scan --scan-name "$scan_name" --run-id "$run_id") \
        || die 3 "get-scan failed for scan '$scan_name' run $run_id"
    state=$(jq -r '.scanState // ""' <<<"$get_json")
    log "scan $scan_name run $run_id: $state ($((SECONDS - started))s)"
done

case $state in
Successful)
    ;;
Failed)
    message=$(jq -r '.errorMessage // "no errorMessage given"' <<<"${get_json:-$scan_json}")
    log "scan $scan_name run $run_id failed: $message"
    exit 1
    ;;
*)
    die 3 "scan $scan_name run $run_id: unexpected scanState '$state'"
    ;;
esac

# 6. The open findings (the CLI follows nextToken and merges every page).
findings_json=$(cgs get-findings --scan-name "$scan_name" --status Open) \
    || die 3 "get-findings failed for scan '$scan_name'"
findings_json=$(jq '{findings: (.findings // [])}' <<<"$findings_json") \
    || die 3 "get-findings returned invalid JSON"
revisions=$(jq -r '.numberOfRevisions // "?"' <<<"${get_json:-$scan_json}")
summary=$(jq -r '.findings | length as $n
    | (group_by(.severity) | map("\(.[0].severity) \(length)") | join(", ")) as $s
    | "\($n) open finding\(if $n == 1 then "" else "s" end)\(if $n > 0 then " (\($s))" else "" end)"' \
    <<<"$findings_json")
log "scan $scan_name run $run_id: Successful, revision $revisions, $summary"
printf '%s\n' "$findings_json"
