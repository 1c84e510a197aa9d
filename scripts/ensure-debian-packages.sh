#!/usr/bin/env bash
# The Debian packages the tests need: chromium and a CJK font for the browser tests, LibreOffice Writer
# and Calc (headless, no GUI) to open the generated .docx/.xlsx as a real office suite would.
# Installs what is missing when it can (root on Debian); otherwise says exactly what to run and fails.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk libreoffice-writer-nogui libreoffice-calc-nogui)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for pkg in "${PACKAGES[@]}"; do
	if command -v dpkg-query >/dev/null 2>&1; then
		installed "$pkg" || missing+=("$pkg")
	else
		# Not Debian: judge by the commands the tests call.
		case "$pkg" in
			chromium) command -v chromium >/dev/null 2>&1 || missing+=("$pkg") ;;
			libreoffice-*) command -v soffice >/dev/null 2>&1 || missing+=("$pkg") ;;
			fonts-noto-cjk) fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=("$pkg") ;;
		esac
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "debian packages: ${PACKAGES[*]} present"
	exit 0
fi

command_line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
	echo "debian packages: installing ${missing[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	exit 0
fi

echo "The tests need these Debian packages, which are missing: ${missing[*]}" >&2
echo "Install them as root, then run npm test again:" >&2
echo "  sudo sh -c '${command_line}'" >&2
exit 1
