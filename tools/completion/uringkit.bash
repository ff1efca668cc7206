# SPDX-License-Identifier: MIT
# bash completion for uringkit(1). Install as
# /usr/share/bash-completion/completions/uringkit, or source it.

_uringkit()
{
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "probe doctor inspect bench help --version -V --help" -- "$cur"))
		return
	fi
	case $cmd in
	probe)
		COMPREPLY=($(compgen -W "--json --help" -- "$cur"))
		;;
	doctor)
		COMPREPLY=($(compgen -W "--help" -- "$cur"))
		;;
	help)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W "probe doctor inspect bench help" -- "$cur"))
		;;
	bench)
		case $prev in
		--file|--svg)
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		--rw)
			COMPREPLY=($(compgen -W "randread randwrite read write" -- "$cur"))
			return
			;;
		--time|--size|--rate|--qd|--bs)
			return
			;;
		esac
		COMPREPLY=($(compgen -W "all net nop storage udp tcp hotpath
			--quick --time --json --csv --svg --quiet --ascii --qd --rw
			--bs --file --size --keep --rate --help" -- "$cur"))
		;;
	esac
}
complete -F _uringkit uringkit
