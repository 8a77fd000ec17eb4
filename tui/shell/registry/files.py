"""Registry entries: programs that list, read and print files (GNU coreutils, util-linux...).

Every option each program accepts is listed with its arity and effect (format:
:func:`tui.shell.registry.core.parse_table`); an option not listed makes the command not
read-only.  Sources: the programs' manual pages (GNU coreutils 9.1, util-linux 2.38, procps-ng
4, file 5.44, tree 2.1, binutils 2.40) as shipped in Debian 12.
"""

TABLE = r"""
# --- listing and file metadata
@ls gnu l*
  -a --all; -A --almost-all; --author; -b --escape; --block-size =S; -B --ignore-backups
  -c; -C; --color [=W]; -d --directory; -D --dired; -f; -F --classify [=W]; --file-type
  --format =W; --full-time; -g; --group-directories-first; -G --no-group
  -h --human-readable; --si; -H --dereference-command-line
  --dereference-command-line-symlink-to-dir; --hide =P; --hyperlink [=W]
  --indicator-style =W; -i --inode; -I --ignore =P; -k --kibibytes; -l; -L --dereference
  -m; -n --numeric-uid-gid; -N --literal; -o; -p; -q --hide-control-chars
  --show-control-chars; -Q --quote-name; --quoting-style =W; -r --reverse; -R --recursive
  -s --size; -S; --sort =W; --time =W; --time-style =S; -t; -T --tabsize =N; -u; -U; -v
  -w --width =N; -x; -X; -Z --context; --zero; -1
@dir gnu l*
  -a --all; -A --almost-all; -l; -h --human-readable; -R --recursive; -1; -d --directory
  -r --reverse; -t; -S; -s --size; -i --inode; -C; -x; -b --escape; -w --width =N
@vdir gnu l*
  -a --all; -A --almost-all; -h --human-readable; -R --recursive; -d --directory; -r --reverse
  -t; -S; -s --size; -i --inode; -b --escape
@tree gnu l*
  -a; -d; -l; -f; -x; -L =N; -R; -P =P; -I =P; --gitignore; --gitfile =F !read; --ignore-case
  --matchdirs; --metafirst; --prune; --info; --infofile =F !read; --noreport; --charset =C
  --filelimit =N; -o =F !write; -q; -N; -Q; -p; -u; -g; -s; -h; --si; --du; -D; --timefmt =F
  -F; --inodes; --device; -v; -t; -c; -U; -r; --dirsfirst; --filesfirst; --sort =W; -i; -A
  -S; -n; -C; -X; -J; -H =B; -T =T; --nolinks; --hintro =F !read; --houtro =F !read
  --fromfile !readlist; --fromtabfile !readlist; --fflinks; -1 --noindent
@stat gnu l*
  -L --dereference; -f --file-system; --cached =M; -c --format =F; --printf =F; -t --terse
@file gnu l*
  -b --brief; -C --compile !write; -c --checking-printout; -d --debug; -E; -e --exclude =T
  --exclude-quiet =T; --extension; -F --separator =S; -f --files-from =F !readlist
  -h --no-dereference; -i --mime; --mime-type; --mime-encoding; -k --keep-going; -l --list
  -L --dereference; -m --magic-file =F !read; -N --no-pad; -n --no-buffer; -0 --print0
  -p --preserve-date !unsafe; -P --parameter =P; -r --raw; -s --special-files
  -S --no-sandbox; -z --uncompress !exec; -Z --uncompress-noreport !exec
@du gnu l*
  -0 --null; -a --all; --apparent-size; -B --block-size =S; -b --bytes; -c --total
  -D --dereference-args; -d --max-depth =N; --files0-from =F !readlist; -H; -h --human-readable
  --inodes; -k; -L --dereference; -l --count-links; -m; -P --no-dereference
  -S --separate-dirs; --si; -s --summarize; -t --threshold =S; --time [=W]; --time-style =S
  -X --exclude-from =F !read; --exclude =P; -x --one-file-system
@df gnu l*
  -a --all; -B --block-size =S; -h --human-readable; -H --si; -i --inodes; -k; -l --local
  --no-sync; --output [=F]; -P --portability; --sync !unsafe; --total; -t --type =T
  -T --print-type; -x --exclude-type =T; -v
# find and jq are judged by tui/shell/registry/judges.py (primaries with their arities); these
# entries publish them and mark them as modelled.
@find args l*
  -exec !exec; -execdir !exec; -ok !exec; -okdir !exec; -delete !delete; -fls =F !write
  -fprint =F !write; -fprint0 =F !write; -fprintf =F !write; -files0-from =F !readlist
@jq args r*
  -f --from-file =F !read; --slurpfile =F !read; --rawfile =F !read; -L =D !read
@readlink gnu l*
  -f --canonicalize; -e --canonicalize-existing; -m --canonicalize-missing; -n --no-newline
  -q --quiet; -s --silent; -v --verbose; -z --zero
@realpath gnu l*
  -e --canonicalize-existing; -m --canonicalize-missing; -L --logical; -P --physical
  -q --quiet; --relative-to =D; --relative-base =D; -s --strip --no-symlinks; -z --zero
@basename gnu -
  -a --multiple; -s --suffix =S; -z --zero
@dirname gnu -
  -z --zero
@cd posix -
  -L; -P; -e; -@
@command posix -
  -v; -V; -p
@exec args -
@pwd posix -
  -L; -P
@which posix -
  -a; -s
@whereis posix - any
@type posix -
  -a; -f; -P; -p; -t
@lsattr posix l*
  -R; -V; -a; -d; -l; -p; -v
@getfacl gnu l*
  -a --access; -d --default; -c --omit-header; -e --all-effective; -E --no-effective
  -s --skip-base; -R --recursive; -L --logical; -P --physical; -t --tabular; -n --numeric
  -p --absolute-names; -0 --one-file-system
# --- reading and printing file contents
@cat gnu r*
  -A --show-all; -b --number-nonblank; -e; -E --show-ends; -n --number; -s --squeeze-blank
  -t; -T --show-tabs; -u; -v --show-nonprinting
@tac gnu r* tmpfiles
  -b --before; -r --regex; -s --separator =S
@nl gnu r*
  -b --body-numbering =S; -d --section-delimiter =S; -f --footer-numbering =S
  -h --header-numbering =S; -i --line-increment =N; -l --join-blank-lines =N
  -n --number-format =F; -p --no-renumber; -s --number-separator =S
  -v --starting-line-number =N; -w --number-width =N
@head gnu r* numeric
  -c --bytes =N; -n --lines =N; -q --quiet --silent; -v --verbose; -z --zero-terminated
@tail gnu r* numeric
  -c --bytes =N; -f --follow [=H]; -F; -n --lines =N; --max-unchanged-stats =N; --pid =P
  -q --quiet --silent; --retry; -s --sleep-interval =N; -v --verbose; -z --zero-terminated
@wc gnu r*
  -c --bytes; -m --chars; -l --lines; --files0-from =F !readlist; -L --max-line-length
  -w --words; --total =W
@od gnu r*
  -A --address-radix =R; --endian =E; -j --skip-bytes =N; -N --read-bytes =N; -S --strings =N
  -t --format =T; -v --output-duplicates; -w --width [=N]; --traditional; -a; -b; -c; -d; -f
  -i; -l; -o; -s; -x
@hexdump gnu r*
  -b --one-byte-octal; -X --one-byte-hex; -c --one-byte-char; -C --canonical
  -d --two-bytes-decimal; -o --two-bytes-octal; -x --two-bytes-hex; -L --color [=W]
  -e --format =F; -f --format-file =F !read; -n --length =N; -s --skip =N; -v --no-squeezing
@strings gnu r* atfile
  -a --all; -d --data; -f --print-file-name; -n --bytes =N; -t --radix =R; -e --encoding =E
  -T --target =T; -w --include-all-whitespace; -s --output-separator =S; -U --unicode =U; -V
@base64 gnu r*
  -d --decode; -i --ignore-garbage; -w --wrap =N
@base32 gnu r*
  -d --decode; -i --ignore-garbage; -w --wrap =N
@md5sum gnu r*
  -b --binary; -c --check !readlist; --tag; -t --text; -z --zero; --ignore-missing; --quiet
  --status; --strict; -w --warn
@sha1sum gnu r*
  -b --binary; -c --check !readlist; --tag; -t --text; -z --zero; --ignore-missing; --quiet
  --status; --strict; -w --warn
@sha224sum gnu r*
  -b --binary; -c --check !readlist; --tag; -t --text; -z --zero; --ignore-missing; --quiet
  --status; --strict; -w --warn
@sha256sum gnu r*
  -b --binary; -c --check !readlist; --tag; -t --text; -z --zero; --ignore-missing; --quiet
  --status; --strict; -w --warn
@sha384sum gnu r*
  -b --binary; -c --check !readlist; --tag; -t --text; -z --zero; --ignore-missing; --quiet
  --status; --strict; -w --warn
@sha512sum gnu r*
  -b --binary; -c --check !readlist; --tag; -t --text; -z --zero; --ignore-missing; --quiet
  --status; --strict; -w --warn
@b2sum gnu r*
  -b --binary; -c --check !readlist; -l --length =N; --tag; -t --text; -z --zero
  --ignore-missing; --quiet; --status; --strict; -w --warn
@cksum gnu r*
  -a --algorithm =A; --base64; -c --check !readlist; -l --length =N; --raw; --tag; --untagged
  -z --zero; --debug; --ignore-missing; --quiet; --status; --strict; -w --warn
@sum gnu r*
  -r; -s --sysv
# --- text processing that only writes to standard output
@cut gnu r*
  -b --bytes =L; -c --characters =L; -d --delimiter =D; -f --fields =L; -n; --complement
  -s --only-delimited; --output-delimiter =S; -z --zero-terminated
@tr gnu -
  -c -C --complement; -d --delete; -s --squeeze-repeats; -t --truncate-set1
@uniq gnu rw numeric
  -c --count; -d --repeated; -D; --all-repeated [=M]; -f --skip-fields =N; --group [=M]
  -i --ignore-case; -s --skip-chars =N; -u --unique; -z --zero-terminated; -w --check-chars =N
@paste gnu r*
  -d --delimiters =L; -s --serial; -z --zero-terminated
@join gnu r*
  -a =N; -e =S; -i --ignore-case; -j =N; -o =F; -t =C; -v =N; -1 =N; -2 =N; --check-order
  --nocheck-order; --header; -z --zero-terminated
@comm gnu r*
  -1; -2; -3; --check-order; --nocheck-order; --output-delimiter =S; --total
  -z --zero-terminated
@column gnu r*
  -t --table; -s --separator =S; -o --output-separator =S; -c --output-width =N
  -x --fillrows; -N --table-columns =L; -l --table-columns-limit =N; -R --table-right =L
  -T --table-truncate =L; -E --table-noextreme =L; -e --table-header-repeat
  -W --table-wrap =L; -H --table-hide =L; -O --table-order =L; -n --table-name =S
  -r --tree =C; -i --tree-id =C; -p --tree-parent =C; -J --json; -L --keep-empty-lines
  -d --table-noheadings; -m --table-maxout; -C --table-column =P; -h; -V
@fold gnu r* numeric
  -b --bytes; -s --spaces; -w --width =N
@fmt gnu r* numeric
  -c --crown-margin; -p --prefix =S; -s --split-only; -t --tagged-paragraph
  -u --uniform-spacing; -w --width =N; -g --goal =N
@expand gnu r* numeric
  -i --initial; -t --tabs =L
@unexpand gnu r* numeric
  -a --all; --first-only; -t --tabs =L
@rev gnu r*
  -0 --zero; -h --help; -V
@diff gnu r* numeric
  --normal; -q --brief; -s --report-identical-files; -c; -C =N; --context [=N]; -u; -U =N
  --unified [=N]; -e --ed; -n --rcs; -y --side-by-side; -W --width =N; --left-column
  --suppress-common-lines; -p --show-c-function; -F --show-function-line =R; --label =L
  -t --expand-tabs; -T --initial-tab; --tabsize =N; --suppress-blank-empty
  -l --paginate !exec; -r --recursive !recurse; --no-dereference; -N --new-file
  --unidirectional-new-file; --ignore-file-name-case; --no-ignore-file-name-case
  -x --exclude =P; -X --exclude-from =F !read; -S --starting-file =F; --from-file =F !read
  --to-file =F !read; -i --ignore-case; -E --ignore-tab-expansion; -Z --ignore-trailing-space
  -b --ignore-space-change; -w --ignore-all-space; -B --ignore-blank-lines
  -I --ignore-matching-lines =R; -a --text; --strip-trailing-cr; -D --ifdef =N
  --old-group-format =F; --new-group-format =F; --unchanged-group-format =F
  --changed-group-format =F; --line-format =F; --old-line-format =F; --new-line-format =F
  --unchanged-line-format =F; -d --minimal; --horizon-lines =N; --speed-large-files
  --color [=W]; --palette =P; -v
@cmp gnu r*
  -b --print-bytes; -i --ignore-initial =N; -l --verbose; -n --bytes =N; -s --quiet --silent
  -v
@seq gnu - numeric
  -f --format =F; -s --separator =S; -w --equal-width
@numfmt gnu -
  --debug; -d --delimiter =D; --field =F; --format =F; --from =U; --from-unit =N; --grouping
  --header [=N]; --invalid =M; --padding =N; --round =M; --suffix =S; --to =U; --to-unit =N
  -z --zero-terminated
@factor gnu -
  -h --exponents
@expr args -
@true args -
@false args -
@: args -
@sleep args -
@echo echo -
@printf posix -
  -v =V !unsafe
@printenv gnu -
  -0 --null
# --- the system (none of their options writes, runs or connects)
@date gnu -
  -d --date =S; --debug; -f --file =F !read; -I --iso-8601 [=F]; --resolution
  -R --rfc-email; --rfc-3339 =F; -r --reference =F; -s --set =S !unsafe; -u --utc --universal
@cal posix - any
@ncal posix - any
@whoami gnu -
@id gnu -
  -a; -Z --context; -g --group; -G --groups; -n --name; -r --real; -u --user; -z --zero
@groups gnu -
@uname gnu -
  -a --all; -s --kernel-name; -n --nodename; -r --kernel-release; -v --kernel-version
  -m --machine; -p --processor; -i --hardware-platform; -o --operating-system
@arch gnu -
@nproc gnu -
  --all; --ignore =N
@uptime gnu -
  -p --pretty; -s --since; -V
@tty gnu -
  -s --silent --quiet
@locale gnu -
  -a --all-locales; -m --charmaps; -c --category-name; -k --keyword-name; -v --verbose; -V
  -? --usage
@getconf posix -
  -a; -v =S
@ps posix - any
@pgrep gnu - any
  -F --pidfile =F !read
@free gnu - any
@hostname gnu -
  -a --alias; -A --all-fqdns; -d --domain; -f --fqdn --long; -i --ip-address
  -I --all-ip-addresses; -s --short; -y --yp --nis; -b --boot !unsafe; -F --file =F !unsafe
  -v --verbose
@whatis gnu -
  -d --debug; -v --verbose; -r --regex; -w --wildcard; -l --long; -C --config-file =F !exec
  -s --sections --section =L; -m --systems =S; -M --manpath =P !chdir; -L --locale =L
  -? --usage; -V
@apropos gnu -
  -d --debug; -v --verbose; -e --exact; -r --regex; -w --wildcard; -a --and; -l --long
  -C --config-file =F !exec; -L --locale =L; -m --systems =S; -M --manpath =P !chdir
  -s --sections --section =L; -? --usage; -V
# man runs a formatting pipeline (groff, nroff, tbl...) and may write its page cache
# (/var/cache/man, as root): modelled for its options, never read-only
@man gnu - nonro implied=groff,nroff,troff,grotty,tbl,eqn,pic,preconv,col,less,more,pager
  implied=zsoelim,manconv,gzip,zcat,man,mandb,sh
  -C --config-file =F !exec; -d --debug; -D --default; --warnings [=W]; -f --whatis
  -k --apropos; -K --global-apropos; -l --local-file !read; -w --where --path --location
  -W --where-cat --location-cat; -c --catman !write; -R --recode =E !write
  -L --locale =L; -m --systems =S; -M --manpath =P !chdir; -S -s --sections =L
  -e --extension =E; -i --ignore-case; -I --match-case; --regex; --wildcard; --names-only
  -a --all; -u --update !write; --no-subpages; -P --pager =P !exec; -r --prompt =S
  -7 --ascii; -E --encoding =E; --no-hyphenation --nh; --no-justification --nj
  -p --preprocessor =S !exec; -t --troff !exec; -T --troff-device [=D] !exec
  -H --html [=B] !exec; -X --gxditview [=R] !exec; -Z --ditroff !exec; -? --usage; -V
"""
