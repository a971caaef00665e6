#!/usr/bin/env bash
# Blue-green deploys of the Ask Video API behind nginx, with no dropped requests and a one-command rollback.
#
#   deploy/bluegreen.sh deploy     migrate, start the idle colour, health-check it, switch nginx to it
#   deploy/bluegreen.sh rollback   switch nginx back to the previous colour (still running until `retire`)
#   deploy/bluegreen.sh retire     stop the idle colour once the new one has proved itself
#   deploy/bluegreen.sh status     print the live colour and its servers
#
# Rule that makes it safe: migrations are backward compatible (expand, then contract one release later). The
# database is migrated first, while the live colour keeps serving on the new schema; a rollback switches code
# only and never downgrades the schema. See docs/operations.md#blue-green-deploys.
#
# nginx reads its API servers from an include file (upstream.conf inside `upstream askvideo_api { … }`); a
# switch writes that file for the other colour, checks the configuration (`nginx -t`) and reloads: nginx's old
# workers finish the requests they hold while the new ones send everything to the new colour.
#
# Settings (environment, or a file named by BG_CONFIG that this script sources; example: bluegreen.example.env):
#   BG_BLUE_SERVERS / BG_GREEN_SERVERS  required: the colour's API instances, "host:port host:port"
#   BG_START / BG_STOP required: start (with the release to deploy) / stop one colour
#   BG_MIGRATE         migrates the database with the new release    askvideo migrate
#   BG_UPSTREAM_FILE   the include nginx reads                      /etc/nginx/askvideo/upstream.conf
#   BG_STATE_DIR       remembers the live and the previous colour   deploy/bluegreen.state
#   BG_NGINX_TEST      checks the configuration                      nginx -t
#   BG_NGINX_RELOAD    reloads nginx                                 nginx -s reload
#   BG_HEALTH_TIMEOUT  seconds the new colour gets to be ready        90
# Commands run with bash, with COLOUR (the colour concerned) and SERVERS (its host:port list) exported.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [[ -n ${BG_CONFIG:-} ]]; then
    [[ -r $BG_CONFIG ]] || { echo "bluegreen: cannot read BG_CONFIG=$BG_CONFIG" >&2; exit 2; }
    # shellcheck source=/dev/null
    source "$BG_CONFIG"
fi
for required in BG_BLUE_SERVERS BG_GREEN_SERVERS BG_START BG_STOP; do
    if [[ -z ${!required:-} && ${1:-} =~ ^(deploy|rollback|retire)$ ]]; then
        echo "bluegreen: set $required (see the top of $0 and deploy/bluegreen.example.env)" >&2
        exit 2
    fi
done
BG_UPSTREAM_FILE="${BG_UPSTREAM_FILE:-/etc/nginx/askvideo/upstream.conf}"
BG_STATE_DIR="${BG_STATE_DIR:-$here/bluegreen.state}"
BG_MIGRATE="${BG_MIGRATE:-askvideo migrate}"
BG_NGINX_TEST="${BG_NGINX_TEST:-nginx -t}"
BG_NGINX_RELOAD="${BG_NGINX_RELOAD:-nginx -s reload}"
BG_HEALTH_TIMEOUT="${BG_HEALTH_TIMEOUT:-90}"

say() { echo "bluegreen: $*" >&2; }
fail() { say "$*"; exit 1; }

servers_of() { [[ $1 == blue ]] && echo "${BG_BLUE_SERVERS:-}" || echo "${BG_GREEN_SERVERS:-}"; }
other() { [[ $1 == blue ]] && echo green || echo blue; }
live() { cat "$BG_STATE_DIR/live" 2>/dev/null || true; }
previous() { cat "$BG_STATE_DIR/previous" 2>/dev/null || true; }

run_for() {  # run_for COLOUR COMMAND: the command sees COLOUR and SERVERS
    COLOUR="$1" SERVERS="$(servers_of "$1")" bash -c "$2"
}

healthy() {  # healthy COLOUR: every server of the colour answers /health/ready with 200 within the timeout
    local colour=$1 deadline=$((SECONDS + BG_HEALTH_TIMEOUT)) server
    for server in $(servers_of "$colour"); do
        until curl -fsS -o /dev/null --max-time 2 "http://$server/health/ready"; do
            if ((SECONDS >= deadline)); then
                say "$colour: $server is not ready after ${BG_HEALTH_TIMEOUT}s"
                return 1
            fi
            sleep 0.5
        done
    done
}

switch_to() {  # switch_to COLOUR: point nginx at the colour; on any error nginx keeps the old upstream
    local colour=$1 server new="$BG_UPSTREAM_FILE.new" old="$BG_UPSTREAM_FILE.old"
    : >"$new"
    for server in $(servers_of "$colour"); do
        echo "server $server max_fails=1 fail_timeout=5s;" >>"$new"
    done
    cp "$BG_UPSTREAM_FILE" "$old" 2>/dev/null || : >"$old"
    mv "$new" "$BG_UPSTREAM_FILE"
    if ! bash -c "$BG_NGINX_TEST" >/dev/null 2>&1 || ! bash -c "$BG_NGINX_RELOAD"; then
        mv "$old" "$BG_UPSTREAM_FILE"
        fail "nginx refused the switch to $colour; the upstream file is back as it was"
    fi
    rm -f "$old"
    say "nginx now sends every new request to $colour ($(servers_of "$colour"))"
}

record() {  # record LIVE PREVIOUS
    mkdir -p "$BG_STATE_DIR"
    echo "$1" >"$BG_STATE_DIR/live.new" && mv "$BG_STATE_DIR/live.new" "$BG_STATE_DIR/live"
    echo "$2" >"$BG_STATE_DIR/previous.new" && mv "$BG_STATE_DIR/previous.new" "$BG_STATE_DIR/previous"
}

deploy() {
    local current target
    current="$(live)"
    target="$( [[ -n $current ]] && other "$current" || echo blue )"
    say "live: ${current:-none}; deploying $target"
    say "migrating the database (backward compatible: ${current:-nothing} keeps serving)"
    run_for "$target" "$BG_MIGRATE" || fail "the migration failed; nothing was switched"
    run_for "$target" "$BG_START" || fail "could not start $target; nothing was switched"
    if ! healthy "$target"; then
        run_for "$target" "$BG_STOP" || true
        fail "$target never became ready; it is stopped and ${current:-nothing} still serves"
    fi
    switch_to "$target"
    record "$target" "$current"
    [[ -n $current ]] && say "$current keeps running for a rollback; retire it with: $0 retire"
    return 0
}

rollback() {
    local current back
    current="$(live)"
    back="$(previous)"
    [[ -n $back ]] || fail "nothing to roll back to (no previous colour recorded in $BG_STATE_DIR)"
    if ! healthy "$back"; then
        say "$back is not running; starting it again"
        run_for "$back" "$BG_START" || fail "could not start $back"
        healthy "$back" || fail "$back never became ready; $current still serves"
    fi
    switch_to "$back"
    record "$back" "$current"
    say "rolled back to $back (the schema stays migrated: it is backward compatible)"
}

retire() {
    local idle
    [[ -n $(live) ]] || fail "nothing is live yet"
    idle="$(other "$(live)")"
    run_for "$idle" "$BG_STOP"
    say "$idle stopped; $(live) serves"
}

case "${1:-}" in
    deploy) deploy ;;
    rollback) rollback ;;
    retire) retire ;;
    status) echo "live: $(live || true) ($( [[ -n $(live) ]] && servers_of "$(live)" )) previous: $(previous)" ;;
    *) sed -n '2,7p' "$0" >&2; exit 2 ;;
esac
