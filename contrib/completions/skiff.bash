# bash completion for skiff: commands, global flags, and container ids from --root.
_skiff() {
	local cur="${COMP_WORDS[COMP_CWORD]}" root=/run/skiff cmd="" i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		--root) root="${COMP_WORDS[i + 1]}" ;;
		--root=*) root="${COMP_WORDS[i]#--root=}" ;;
		-*) ;;
		*) [ -z "$cmd" ] && cmd="${COMP_WORDS[i]}" ;;
		esac
	done
	if [ -z "$cmd" ]; then
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--root --log --log-format --debug --systemd-cgroup --cgroup-manager --version --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(skiff --help 2>/dev/null | awk '/^commands:/{f=1;next} /^$/{f=0} f{print $1}')" -- "$cur"))
		fi
		return
	fi
	case "$cmd" in
	create | run | spec) COMPREPLY=($(compgen -f -- "$cur")) ;;
	*) COMPREPLY=($(compgen -W "$(ls "$root" 2>/dev/null)" -- "$cur")) ;;
	esac
}
complete -F _skiff skiff
