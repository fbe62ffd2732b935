#!/usr/bin/env bash
# Installs the Debian 12 packages slob-host needs to build and test, and nothing else.
# Idempotent: packages already present are skipped, so a warm machine does no network work.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libboost-dev
  liblmdb-dev lmdb-utils
  libtomlplusplus-dev
  libspdlog-dev
  nlohmann-json3-dev
  libhowardhinnant-date-dev tzdata
  libsystemd-dev
  catch2
  # plugins/webhook, plugins/email: TLS for the alert transports; their tests make certificates
  # with the openssl CLI and run their receivers under Debian's /usr/bin/python3.
  libssl-dev openssl python3
  clang  # ib decoder fuzzing (libFuzzer runtime comes with it)
  python3-aiosmtpd  # the SMTP server the email tests deliver to (run by /usr/bin/python3)
  # plugins/http: promtool checks a scrape of /metrics; headless Chromium loads the dashboard
  # (a font, so its screenshot has text).
  prometheus chromium fonts-dejavu-core
  # tools/check-packages.sh: CPack's DEB shlibdeps (dpkg-dev, file), rpmbuild, the packages'
  # user creation (adduser), systemd-analyze for the units, man for the man pages.
  dpkg-dev file rpm adduser systemd man-db
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
