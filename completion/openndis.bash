# bash completion for openndis: its commands, each command's options (read from its --help,
# so they follow the program), rule IDs after `openndis rules`, and files elsewhere.
_openndis()
{
    local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-}
    local commands="info run verify rules exports port devices ioctl report version help"
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    case $cur in
    -*)
        local opts
        opts=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return ;;
    esac
    if [ "$cmd" = rules ]; then
        COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" rules 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _openndis openndis
