#!/usr/bin/env bash
# Builds the .deb and .rpm packages from an already built tree and checks them on this machine:
# file lists and scriptlets against packaging/expected/, the units (systemd-analyze verify and
# security), install with dpkg, `--check` of the installed configs, the installed daemon
# replaying the sample as user slob while slob-ctl talks to it, an instance of the template
# unit, a broken config (exit 78 with FILE:LINE:COL), the SDK example built out of tree and
# loaded by the installed daemon, upgrades that keep an edited conffile, and remove and purge
# leaving exactly what docs/packaging.md says.
#
#   tools/check-packages.sh [BUILD_DIR]     (default build/default; run as root)
#
# systemd is not PID 1 here (nor in CI): units are checked statically and the daemon is run
# the way the unit runs it (its ExecStart, as user slob, with the directories systemd would
# create). It installs and purges packages, so it refuses to touch a machine where slob-host is
# installed, or its state exists, unless an earlier run of this script left it (marker file).
# Idempotent: a run cleans up what an interrupted earlier run left behind.
# `[ test ] && [ test ] || fail ...` is meant (fail exits); `$MAINPID` is literal unit text.
# shellcheck disable=SC2015,SC2016
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=$(realpath "${1:-build/default}")
expected=$src/packaging/expected
marker=/var/tmp/slob-check-packages.marker
work=/var/tmp/slob-check-packages
started=$SECONDS
daemon_pid=

say() { echo "check-packages: $*" >&2; }
fail() {
  say "FAIL: $*"
  exit 1
}

if [ "$(id -u)" -ne 0 ]; then
  say "SKIP (needs root: installs and purges the packages on this machine)"
  exit 0
fi
[ -x "$build/bin/slob-host" ] || fail "$build/bin/slob-host missing: build the tree first"

cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then kill -9 "$daemon_pid"; fi
}
trap cleanup EXIT

installed() { [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == [ir]* ]]; }

# Leaves the machine as if slob-host had never been installed.
forget_everything() {
  for p in slob-sdk slob-host; do
    if installed "$p"; then SLOB_PURGE_STATE=yes dpkg --purge "$p" >/dev/null 2>&1; fi
  done
  rm -rf /etc/slob /var/lib/slob /var/log/slob /run/slob "$work"
  if getent passwd slob >/dev/null; then userdel slob; fi
  if getent group slob >/dev/null; then groupdel slob; fi
}

if [ -e "$marker" ]; then
  say "cleaning up after an earlier run"
  forget_everything
elif installed slob-host || installed slob-sdk || [ -e /var/lib/slob ] || [ -e /etc/slob ] ||
  getent passwd slob >/dev/null; then
  say "SKIP: slob-host (or its state in /var/lib/slob, /etc/slob or the user slob) is already on" \
    "this machine; refusing to replace a real installation"
  exit 0
fi
touch "$marker"
mkdir -p "$work"
chmod 0755 "$work"

# Runs a command as user slob, the way the unit does (no supplementary groups but slob's).
as_slob() { setpriv --reuid slob --regid slob --init-groups -- "$@"; }

# wait_for_log FILE REGEX SECONDS: until the daemon wrote the line, died, or time ran out.
wait_for_log() {
  local deadline=$((SECONDS + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    kill -0 "$daemon_pid" 2>/dev/null || fail "daemon exited before logging $2: $(tail -5 "$1")"
    [ $SECONDS -lt $deadline ] || fail "no $2 in $1 within $3 s"
    sleep 0.1
  done
}

# wait_daemon SECONDS: the exit code of the daemon started last, in $code; kills it (and fails)
# when it runs longer.
wait_daemon() {
  local deadline=$((SECONDS + $1))
  while kill -0 "$daemon_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  kill -0 "$daemon_pid" 2>/dev/null && fail "daemon still running after $1 s"
  code=0
  wait "$daemon_pid" || code=$?
  daemon_pid=
}

same_list() {  # same_list WHAT EXPECTED_FILE ACTUAL_TEXT
  if ! diff -u "$2" <(printf '%s\n' "$3") >"$work/diff"; then
    cat "$work/diff" >&2
    fail "$1 differs from ${2#"$src"/} (update it if the change is intended)"
  fi
}

unit_exec_start() {  # the ExecStart= command line of an installed unit, instance substituted
  sed -n 's/^ExecStart=//p' "/usr/lib/systemd/system/$1" | sed "s/%i/${2:-}/g"
}

export_kind() { as_slob slob-host --config "$1" export "$2" 2>>"$work/export.log"; }
trade_count() { export_kind "$1" trades | grep -c '"exit_time":"'; }
trade_pnl() {
  export_kind "$1" trades |
    grep -o '"pnl":[-0-9.e+]*' | cut -d: -f2 | awk '{s += $1} END {printf "%.2f", s}'
}

# --- build the packages --------------------------------------------------------------------
version=$("$build/bin/slob-host" --version | awk '{print $2}')
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB && cpack -G RPM) >"$work/cpack.log" 2>&1 || fail "cpack: $(cat "$work/cpack.log")"
deb_host=$build/packages/slob-host_${version}_amd64.deb
deb_sdk=$build/packages/slob-sdk_${version}_all.deb
rpm_host=$build/packages/slob-host-${version}-1.x86_64.rpm
rpm_sdk=$build/packages/slob-sdk-${version}-1.noarch.rpm
for f in "$deb_host" "$deb_sdk" "$rpm_host" "$rpm_sdk"; do [ -f "$f" ] || fail "cpack made no $f"; done
say "built $(cd "$build/packages" && echo *.deb *.rpm)"

# --- what the packages contain -------------------------------------------------------------
deb_files() { dpkg-deb --fsys-tarfile "$1" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^$' | sort; }
same_list "slob-host.deb files" "$expected/slob-host.deb.files" "$(deb_files "$deb_host")"
same_list "slob-sdk.deb files" "$expected/slob-sdk.deb.files" "$(deb_files "$deb_sdk")"
dpkg-deb -e "$deb_host" "$work/control"
for f in postinst prerm postrm; do [ -x "$work/control/$f" ] || fail "slob-host.deb has no $f"; done
[ "$(cat "$work/control/conffiles")" = /etc/slob/slob.toml ] ||
  fail "conffiles must list exactly /etc/slob/slob.toml"
depends=$(dpkg-deb -f "$deb_host" Depends)
for d in adduser tzdata liblmdb0 libspdlog1.10 libsystemd0 libtomlplusplus3; do
  grep -q "$d" <<<"$depends" || fail "slob-host Depends lacks $d: $depends"
done
grep -q "slob-host (= $version)" <<<"$(dpkg-deb -f "$deb_sdk" Depends)" ||
  fail "slob-sdk must depend on exactly slob-host $version"
grep -q "libhowardhinnant-date-dev" <<<"$(dpkg-deb -f "$deb_sdk" Depends)" ||
  fail "slob-sdk must depend on libhowardhinnant-date-dev (slob/sdk/trading_day.hpp)"
same_list "slob-host.rpm files" "$expected/slob-host.rpm.files" "$(rpm -qlp "$rpm_host" 2>/dev/null)"
same_list "slob-sdk.rpm files" "$expected/slob-sdk.rpm.files" "$(rpm -qlp "$rpm_sdk" 2>/dev/null)"
same_list "slob-host.rpm scriptlets" "$expected/slob-host.rpm.scripts" \
  "$(rpm -qp --scripts "$rpm_host" 2>/dev/null)"
[ -z "$(rpm -qp --scripts "$rpm_sdk" 2>/dev/null)" ] || fail "slob-sdk.rpm must have no scriptlets"
# c = %config, n = noreplace: an edited config survives upgrades (new one as .rpmnew).
config_flags=$(rpm -qp --qf '[%{FILEFLAGS:fflags}|%{FILENAMES}\n]' "$rpm_host" 2>/dev/null |
  awk -F'|' '$1 ~ /c/ {print $1, $2}')
[ "$config_flags" = "cn /etc/slob/slob.toml" ] ||
  fail "the rpm's only config file must be /etc/slob/slob.toml with %config(noreplace): $config_flags"
grep -qx "slob-host = $version" <<<"$(rpm -qp --requires "$rpm_sdk" 2>/dev/null)" ||
  fail "slob-sdk.rpm must require slob-host = $version"
say "file lists, conffiles, dependencies and rpm scriptlets as expected"

# --- install -------------------------------------------------------------------------------
dpkg -i "$deb_host" "$deb_sdk" </dev/null >"$work/dpkg-install.log" 2>&1 ||
  fail "dpkg -i: $(cat "$work/dpkg-install.log")"
uid=$(id -u slob) || fail "no user slob"
[ "$uid" -lt 1000 ] || fail "slob must be a system user (uid $uid)"
[ "$(id -gn slob)" = slob ] || fail "slob's group must be slob"
case "$(getent passwd slob | cut -d: -f7)" in */nologin | */false) ;; *) fail "slob must not log in" ;; esac
for d in /var/lib/slob /var/log/slob; do
  [ "$(stat -c '%U:%G %a' "$d")" = "slob:slob 750" ] || fail "$d: $(stat -c '%U:%G %a' "$d")"
done
# From the package itself: minimal images may keep dpkg from installing /usr/share/{man,doc}.
dpkg-deb -x "$deb_host" "$work/pkg-host"
dpkg-deb -x "$deb_sdk" "$work/pkg-sdk"
for page in slob-host slob-ctl; do
  warnings=$(man --warnings -l "$work/pkg-host/usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null) ||
    fail "man $page"
  [ -z "$warnings" ] || fail "man page $page: $warnings"
done
say "installed: user slob ($uid), /var/lib/slob and /var/log/slob slob:slob 0750, man pages render"

# --- the units -----------------------------------------------------------------------------
cp /usr/lib/systemd/system/slob-host@.service "$work/slob-host@check.service"
for unit in /usr/lib/systemd/system/slob-host.service "$work/slob-host@check.service"; do
  out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify $unit: $out"
  [ -z "$out" ] || fail "systemd-analyze verify $unit: $out"
  # Overall exposure 1.0 or lower ("SAFE"); the table is in docs/packaging.md.
  systemd-analyze security --offline=true --threshold=10 "$unit" >"$work/security" 2>&1 ||
    fail "exposure of $unit above 1.0: $(tail -1 "$work/security")"
  say "$(tail -1 "$work/security" | sed 's/^→ //')"
  for key in Type=notify WatchdogSec= Restart=on-failure RestartPreventExitStatus=78 User=slob \
    StartLimitBurst= StartLimitIntervalSec= 'ExecReload=/bin/kill -HUP $MAINPID'; do
    grep -q "^$key" "$unit" || fail "$unit lacks $key"
  done
done

# --- --check of the installed configs ------------------------------------------------------
for cfg in /etc/slob/slob.toml /usr/share/slob/examples/sim-replay.toml \
  /usr/share/slob/examples/ib-paper.toml /usr/share/slob/examples/alerts.toml \
  /usr/share/slob/examples/dashboard.toml; do
  slob-host --config "$cfg" --check >"$work/check.log" 2>&1 || fail "--check $cfg: $(cat "$work/check.log")"
  as_slob slob-host --config "$cfg" --check >"$work/check.log" 2>&1 ||
    fail "--check $cfg as slob: $(cat "$work/check.log")"
done
[ -z "$(ls -A /var/lib/slob)" ] || fail "--check created files in /var/lib/slob: $(ls -A /var/lib/slob)"
say "--check passes for /etc/slob/slob.toml and every example, as root and as slob, creating nothing"

# --- the installed daemon on the default config, as user slob, talking to slob-ctl ---------
install -d -o slob -g slob -m 0750 /run/slob  # what RuntimeDirectory=slob creates
read -ra exec_start <<<"$(unit_exec_start slob-host.service)"
as_slob "${exec_start[@]}" >"$work/default.out" 2>"$work/default.err" &
daemon_pid=$!
wait_for_log "$work/default.err" SLOB_SIM_END_OF_DATA 180
[ "$(stat -c '%U:%G %a' /run/slob/slob.sock)" = "slob:slob 660" ] ||
  fail "control socket: $(stat -c '%U:%G %a' /run/slob/slob.sock)"
status=$(as_slob slob-ctl status) || fail "slob-ctl status: $status"
grep -q '^state: *Running' <<<"$status" || fail "status is not Running: $status"
grep -q '20700 candles' <<<"$status" || fail "status does not show the whole replay: $status"
grep -q 'strategy: slob .*/usr/lib/slob/plugins/libslob-slob.so' <<<"$status" ||
  fail "status does not name the installed plugin: $status"
slob-ctl --config /etc/slob/slob.toml positions >/dev/null || fail "slob-ctl --config positions"
as_slob slob-ctl shutdown --reason "check-packages" >/dev/null || fail "slob-ctl shutdown"
wait_daemon 180
[ "$code" = 0 ] || fail "daemon exited $code after slob-ctl shutdown: $(tail -5 "$work/default.err")"
[ -z "$(find /var/lib/slob ! -user slob)" ] || fail "files not owned by slob: $(find /var/lib/slob ! -user slob)"
[ "$(trade_count /etc/slob/slob.toml)" = 7 ] || fail "expected 7 trades"
[ "$(trade_pnl /etc/slob/slob.toml)" = 57550.50 ] || fail "P&L $(trade_pnl /etc/slob/slob.toml), expected 57550.50"
say "default config as slob: replayed 20700 bars, slob-ctl status/positions/shutdown, 7 trades, P&L 57550.50"

# --- an instance of slob-host@.service ------------------------------------------------------
cp /usr/share/slob/examples/sim-replay.toml /etc/slob/sim-replay.toml
read -ra exec_start <<<"$(unit_exec_start slob-host@.service sim-replay)"
as_slob "${exec_start[@]}" >"$work/instance.out" 2>"$work/instance.err" &
daemon_pid=$!
wait_for_log "$work/instance.err" 'SLOB_LIFECYCLE.*Running' 120
# The replay may be over (and its socket removed) by now: the daemon's own line says where it was.
grep -q 'SLOB_CONTROL_LISTENING: slob-ctl socket /run/slob/sim-replay/slob.sock$' "$work/instance.err" ||
  fail "instance socket not at /run/slob/sim-replay/slob.sock: $(grep SLOB_CONTROL "$work/instance.err")"
wait_daemon 180
[ "$code" = 0 ] || fail "instance exited $code: $(tail -5 "$work/instance.err")"
[ -f /var/lib/slob/sim-replay/state/data.mdb ] || fail "instance state not in /var/lib/slob/sim-replay"
[ "$(trade_count /etc/slob/sim-replay.toml)" = 7 ] || fail "instance: expected 7 trades"
say "instance sim-replay (slob-host@.service's ExecStart): ran to the end, exit 0, own state and socket"

# --- a broken or missing /etc/slob/slob.toml ------------------------------------------------
cp -p /etc/slob/slob.toml "$work/slob.toml.good"
line=$(grep -n '^max_contracts = ' /etc/slob/slob.toml | cut -d: -f1)
read -ra exec_start <<<"$(unit_exec_start slob-host.service)"
# A typo (a config error) and a TOML syntax error (a parse error), both at $line.
for broken in typo syntax; do
  case $broken in
    typo) edit='s/^max_contracts = /max_contract = /' message="$line:1: \[risk\] unknown key \"max_contract\"" ;;
    syntax) edit='s/^max_contracts = 5/max_contracts = = 5/' message="$line:[0-9]+: " ;;
  esac
  sed "$edit" "$work/slob.toml.good" >/etc/slob/slob.toml
  for how in check exec; do
    code=0
    if [ $how = check ]; then
      slob-host --config /etc/slob/slob.toml --check >/dev/null 2>"$work/broken.err" || code=$?
    else
      as_slob "${exec_start[@]}" >/dev/null 2>"$work/broken.err" || code=$?
    fi
    [ "$code" = 78 ] || fail "$broken in the config ($how): exit $code, expected 78"
    grep -Eq "^/etc/slob/slob.toml:$message" "$work/broken.err" ||
      fail "$broken in the config ($how): no FILE:LINE:COL message: $(cat "$work/broken.err")"
  done
done
rm /etc/slob/slob.toml
code=0
as_slob "${exec_start[@]}" >/dev/null 2>"$work/broken.err" || code=$?
[ "$code" = 78 ] && grep -q '^/etc/slob/slob.toml: cannot read config: no such file' "$work/broken.err" ||
  fail "missing config: exit $code: $(cat "$work/broken.err")"
cp -p "$work/slob.toml.good" /etc/slob/slob.toml
say "broken config (typo, syntax): --check and ExecStart exit 78 with /etc/slob/slob.toml:$line:COL;" \
  "missing: exit 78 (the unit: RestartPreventExitStatus=78, fails without restarts)"

# --- the SDK: the example plugin built out of tree and loaded by the installed daemon -------
example=/usr/share/doc/slob-sdk/examples/breakout
if [ ! -f "$example/CMakeLists.txt" ]; then
  say "note: dpkg excludes /usr/share/doc on this machine; building the package's copy of $example"
  example=$work/pkg-sdk$example
fi
cmake -S "$example" -B "$work/sdk-build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$work/sdk.log" 2>&1 || fail "SDK example configure: $(cat "$work/sdk.log")"
cmake --build "$work/sdk-build" >>"$work/sdk.log" 2>&1 || fail "SDK example build: $(cat "$work/sdk.log")"
! grep -q "$src" "$work/sdk-build/compile_commands.json" ||
  fail "the SDK example was built against the source tree, not the installed SDK"
install -D -m 0644 "$work/sdk-build/libslob-breakout.so" "$work/plugins/libslob-breakout.so"
install -d -o slob -g slob -m 0750 "$work/state"
cat >"$work/breakout.toml" <<EOF
[host]
state_dir = "$work/state"
plugin_dirs = ["/usr/lib/slob/plugins", "$work/plugins"]
control_socket = "$work/state/slob.sock"
[broker]
plugin = "sim"
[broker.config]
data = "/usr/share/slob/data/nq-sample.csv"
[store]
plugin = "lmdb"
[store.config]
path = "$work/state/lmdb"
sync = "none"
[strategy]
plugin = "breakout"
[strategy.config]
lookback = 30
EOF
slob-host --config "$work/breakout.toml" --check >"$work/check.log" 2>&1 ||
  fail "--check with the example plugin: $(cat "$work/check.log")"
as_slob slob-host --config "$work/breakout.toml" >/dev/null 2>"$work/breakout.err" &
daemon_pid=$!
wait_daemon 180
[ "$code" = 0 ] || fail "daemon with the example plugin exited $code: $(tail -5 "$work/breakout.err")"
grep -q 'SLOB_BREAKOUT_CREATED' "$work/breakout.err" || fail "example plugin not created"
setups=$(grep -c 'SLOB_BREAKOUT_SETUP' "$work/breakout.err")
exported=$(export_kind "$work/breakout.toml" setups | grep -c '"id":"brk-')
[ "$setups" -gt 0 ] && [ "$setups" = "$exported" ] ||
  fail "example plugin: $setups setups logged, $exported exported"
say "SDK: example built out of tree against /usr/share/cmake/SlobSdk, loaded, $setups setups, exit 0"

# --- upgrades keep an edited conffile and the state ----------------------------------------
sed -i 's/^max_trades_per_day = 2/max_trades_per_day = 3/' /etc/slob/slob.toml
edited=$(sha256sum </etc/slob/slob.toml)
state=$(sha256sum </var/lib/slob/state/data.mdb)
dpkg -i "$deb_host" </dev/null >"$work/dpkg.log" 2>&1 || fail "reinstall: $(cat "$work/dpkg.log")"
[ "$(sha256sum </etc/slob/slob.toml)" = "$edited" ] || fail "reinstall replaced the edited conffile"
dpkg -r slob-sdk >/dev/null  # it depends on exactly this slob-host version
dpkg-deb -R "$deb_host" "$work/repack"
sed -i "s/^Version: .*/Version: ${version}+check1/" "$work/repack/DEBIAN/control"
dpkg-deb -b "$work/repack" "$work/slob-host-next.deb" >/dev/null
dpkg -i "$work/slob-host-next.deb" </dev/null >"$work/dpkg.log" 2>&1 || fail "upgrade: $(cat "$work/dpkg.log")"
[ "$(dpkg-query -W -f='${Version}' slob-host)" = "${version}+check1" ] || fail "upgrade did not happen"
[ "$(sha256sum </etc/slob/slob.toml)" = "$edited" ] || fail "upgrade replaced the edited conffile"
[ "$(sha256sum </var/lib/slob/state/data.mdb)" = "$state" ] || fail "upgrade touched the state"
slob-host --config /etc/slob/slob.toml --check >/dev/null 2>&1 || fail "--check after upgrade"
say "reinstall and upgrade to ${version}+check1 kept the edited /etc/slob/slob.toml and the state"

# --- remove and purge ----------------------------------------------------------------------
package_files=$(dpkg-deb -c "$deb_host" | awk '$1 ~ /^-/ {print $6}' | sed 's|^\./|/|')
dpkg -r slob-host >/dev/null 2>"$work/dpkg.log" || fail "dpkg -r: $(cat "$work/dpkg.log")"
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' slob-host)" = "rc " ] || fail "not in state rc after remove"
[ ! -e /usr/bin/slob-host ] && [ ! -e /usr/lib/slob ] || fail "remove left binaries or plugins"
[ "$(sha256sum </etc/slob/slob.toml)" = "$edited" ] || fail "remove must keep the conffile"
[ -f /var/lib/slob/state/data.mdb ] && getent passwd slob >/dev/null || fail "remove must keep state and user"
dpkg -P slob-host >/dev/null 2>"$work/purge.log" || fail "dpkg -P: $(cat "$work/purge.log")"
grep -q 'kept /var/lib/slob' "$work/purge.log" || fail "purge did not say it kept the state"
[ ! -e /etc/slob/slob.toml ] || fail "purge must delete the conffile"
[ -f /etc/slob/sim-replay.toml ] || fail "purge must keep the operator's instance config"
[ ! -e /var/log/slob ] && [ ! -e /run/slob ] || fail "purge must delete /var/log/slob and /run/slob"
[ -f /var/lib/slob/state/data.mdb ] && getent passwd slob >/dev/null ||
  fail "purge without SLOB_PURGE_STATE=yes must keep the state and the user"
rm /etc/slob/sim-replay.toml
dpkg -i "$deb_host" </dev/null >/dev/null 2>&1 || fail "install after purge"
[ -f /var/lib/slob/state/data.mdb ] || fail "a reinstall must find the kept state"
SLOB_PURGE_STATE=yes dpkg -P slob-host >/dev/null 2>&1 || fail "dpkg -P with SLOB_PURGE_STATE=yes"
for p in /etc/slob /var/lib/slob /var/log/slob /run/slob /usr/lib/slob /usr/share/slob \
  /usr/share/doc/slob-host /usr/share/doc/slob-sdk /usr/include/slob /usr/share/cmake/SlobSdk \
  $package_files; do
  [ ! -e "$p" ] || fail "left behind after purge with SLOB_PURGE_STATE=yes: $p"
done
! getent passwd slob >/dev/null && ! getent group slob >/dev/null || fail "user or group slob left"
say "remove kept config, state and user; purge deleted config and logs, kept state and user;" \
  "SLOB_PURGE_STATE=yes purge left nothing"

rm -rf "$work" "$marker"
say "ok ($((SECONDS - started)) s)"
