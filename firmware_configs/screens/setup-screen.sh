#!/bin/sh
# Make a Debian 12 box a Passline screen: ./setup-screen.sh NAME URL   (as root)
# e.g. ./setup-screen.sh counter-1 http://hub.local:8000/counter/counter-1
# Then pair it once: on the hub `passline devices add counter-1 --role counter`, type the code on the screen.
set -eu
name=${1:?usage: setup-screen.sh NAME URL}
url=${2:?usage: setup-screen.sh NAME URL}
here=$(dirname "$0")
apt-get install -y --no-install-recommends cage chromium
id passline-screen >/dev/null 2>&1 || useradd --system --create-home --groups video,input,render passline-screen
mkdir -p /etc/passline
sed -e "s|^SCREEN_URL=.*|SCREEN_URL=$url|" -e "s|^XDG_RUNTIME_DIR=.*|XDG_RUNTIME_DIR=/run/user/$(id -u passline-screen)|" \
    "$here/screen.env" > "/etc/passline/screen-$name.env"
cp "$here/../../systemd/passline-screen@.service" /etc/systemd/system/
systemctl daemon-reload
systemctl set-default graphical.target
systemctl enable --now "passline-screen@$name"
echo "screen $name shows $url; pair it with a code from: passline devices add $name --role <kiosk|counter|display|board>"
