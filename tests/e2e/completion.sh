#!/bin/sh
# completion.sh MIGCHECK BUILDDIR - the bash and zsh completion scripts are
# generated from the tables, complete commands, options and cause ids, and
# 'meson install' (make install) puts them where the shells look.
set -u
migcheck=$1 builddir=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$migcheck" --completion bash > "$tmp/bash" && bash -n "$tmp/bash" && ok "bash script parses" \
  || bad "bash script parses"
complete_bash() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _migcheck;
           printf "%s\n" "${COMPREPLY[@]}"' _ "$tmp/bash" "$@"
}
complete_bash migcheck rem | grep -qx remote-move && ok "bash: commands" || bad "bash: commands"
out=$(complete_bash migcheck remote-move --us)
[ "$out" = "--user" ] && ok "bash: the command's options" || bad "bash: the command's options ($out)"
complete_bash migcheck ports --us | grep -q . && bad "bash: options of another command" \
  || ok "bash: no option the command does not take"
complete_bash migcheck causes OA_PORT | grep -qx OA_PORT_NOT_ALLOWED && ok "bash: cause ids" \
  || bad "bash: cause ids"
complete_bash migcheck tls --js | grep -qx -- --json-file && ok "bash: --json-file" \
  || bad "bash: --json-file"

"$migcheck" --completion zsh > "$tmp/_migcheck"
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$tmp/_migcheck" && ok "zsh script parses" || bad "zsh script parses"
else
  bad "zsh is not installed (tools/deps.sh test installs it)"
fi
grep -q "'remote-move:" "$tmp/_migcheck" && grep -q -- "--rpc-proxy" "$tmp/_migcheck" \
  && ok "zsh: commands and options from the tables" || bad "zsh: commands and options"
"$migcheck" --completion fish >/dev/null 2>&1; [ $? -eq 2 ] && ok "another shell: usage error" \
  || bad "another shell: usage error"

# make install: both land where the shells look.
if DESTDIR="$tmp/root" meson install -C "$builddir" --no-rebuild --tags runtime >/dev/null 2>&1
then
  b=$(find "$tmp/root" -path '*bash-completion/completions/migcheck.bash')
  z=$(find "$tmp/root" -path '*zsh/site-functions/_migcheck')
  [ -n "$b" ] && cmp -s "$b" "$tmp/bash" && ok "install: bash completion" \
    || bad "install: bash completion"
  [ -n "$z" ] && cmp -s "$z" "$tmp/_migcheck" && ok "install: zsh completion" \
    || bad "install: zsh completion"
else
  bad "meson install into a DESTDIR"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
