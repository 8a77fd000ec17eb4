"""Registry entries: searching and text tools (grep, ripgrep, sed, sort) and build and package
tools modelled only for their options that run programs, write or move where they look.

Format: :func:`tui.shell.registry.core.parse_table`.  Sources: GNU grep 3.8, ripgrep 13/14,
GNU sed 4.9, GNU coreutils 9.1 sort, GNU tar 1.34, GNU make 4.3, go 1.22 (``go help build``,
``go help test``), npm 10 config, cargo 1.7x, pytest 8, OpenSSH 9 (ssh_config(5)), zip 3.0 and
Docker CLI 24 manuals.
"""

TABLE = r"""
# egrep and fgrep are scripts that run grep -E / grep -F: they take grep's options
# (tui/shell/registry/__init__.py makes their entries from this one)
@grep gnu pr* numeric
  -E --extended-regexp; -F --fixed-strings; -G --basic-regexp; -P --perl-regexp
  -e --regexp =P; -f --file =F !read; -i --ignore-case; -y; --no-ignore-case; -w --word-regexp
  -x --line-regexp; -z --null-data; -s --no-messages; -v --invert-match; -V
  -m --max-count =N; -b --byte-offset; -n --line-number; --line-buffered; -H --with-filename
  -h --no-filename; --label =L; -o --only-matching; -q --quiet --silent; --binary-files =T
  -a --text; -I; -d --directories =A; -D --devices =A; -r --recursive !recurse
  -R --dereference-recursive !recurse; --include =G; --exclude =G; --exclude-from =F !read
  --exclude-dir =G; -L --files-without-match; -l --files-with-matches; -c --count
  -T --initial-tab; -Z --null; -A --after-context =N; -B --before-context =N
  -C --context =N; --color --colour [=W]; -U --binary; --no-group-separator
  --group-separator =S
@rg exact pr*
  -A --after-context =N; -B --before-context =N; -C --context =N; --auto-hybrid-regex
  -b --byte-offset; --binary; --no-binary; --block-buffered; -c --count; --count-matches
  --color =W; --colors =S; --column; --no-column; --context-separator =S
  --no-context-separator; --crlf; --debug; --trace; --dfa-size-limit =N; -E --encoding =E
  --engine =E; --field-context-separator =S; --field-match-separator =S; -f --file =F !read
  --files; -l --files-with-matches; --files-without-match; -F --fixed-strings; -L --follow
  --no-follow; -g --glob =G; --glob-case-insensitive; -h --help; --heading; --no-heading
  --hidden; --no-hidden; --iglob =G; -i --ignore-case; --ignore-file =F !read
  --ignore-file-case-insensitive; --include-zero; -v --invert-match; --json; --no-json
  --line-buffered; -n --line-number; -N --no-line-number; -x --line-regexp
  -M --max-columns =N; --max-columns-preview; -m --max-count =N; -d --max-depth --maxdepth =N
  --max-filesize =N; --mmap; --no-mmap; -U --multiline; --multiline-dotall; --no-config
  -I --no-filename; --no-ignore; --no-ignore-dot; --no-ignore-exclude; --no-ignore-files
  --no-ignore-global; --no-ignore-messages; --no-ignore-parent; --no-ignore-vcs
  --no-messages; --no-pcre2-unicode; --no-require-git; --no-unicode; -0 --null; --null-data
  --one-file-system; -o --only-matching; --passthru --passthrough; --path-separator =S
  -P --pcre2; --no-pcre2; --pcre2-version; --pre =P !exec; --pre-glob =G; --no-pre; -p --pretty
  -q --quiet; --regex-size-limit =N; -e --regexp =P; -r --replace =S
  -z --search-zip !exec; --no-search-zip; -S --smart-case; --sort =S; --sortr =S; --stats
  --stop-on-nonmatch; -a --text; -j --threads =N; --trim; -t --type =T; --type-add =S
  --type-clear =T; --type-list; -T --type-not =T; -u --unrestricted; -V --version; --vimgrep
  -H --with-filename; -w --word-regexp; -s --case-sensitive; --hostname-bin =P !exec
  --hyperlink-format =S; --generate =K; --no-unicode
@sed gnu pr*
  -n --quiet --silent; --debug; -e --expression =S; -f --file =F !read; --follow-symlinks
  -i --in-place [=S] !inplace; -l --line-length =N; --posix; -E -r --regexp-extended
  -s --separate; --sandbox; -u --unbuffered; -z --null-data
@sort gnu r* tmpfiles
  -b --ignore-leading-blanks; -d --dictionary-order; -f --ignore-case
  -g --general-numeric-sort; -i --ignore-nonprinting; -M --month-sort
  -h --human-numeric-sort; -n --numeric-sort; -R --random-sort; --random-source =F !read
  -r --reverse; --sort =W; -V --version-sort; --batch-size =N; -c --check [=W]; -C
  --compress-program =P !exec; --debug; --files0-from =F !readlist; -k --key =K; -m --merge
  -o --output =F !write; -s --stable; -S --buffer-size =N; -t --field-separator =C
  -T --temporary-directory =D !write; --parallel =N; -u --unique; -z --zero-terminated
# --- modelled only for what their options can make them do (never read-only)
@tar gnu - nonro any
  -I --use-compress-program =P !exec; --to-command =C !exec; --checkpoint-action =A !exec
  -F --info-script --new-volume-script =S !exec; --rsh-command =C !exec
  --rmt-command =C !exec; -f --file =F; -C --directory =D; -T --files-from =F !readlist
  -X --exclude-from =F !read; -b --blocking-factor =N; -g --listed-incremental =F !write
  -H --format =F; -K --starting-file =F; -L --tape-length =N; -N --newer --after-date =D
  -V --label =L; --exclude =P; --transform --xform =S; --owner =U; --group =G; --mode =M
  --mtime =D; --strip-components =N; --suffix =S; --index-file =F !write; --volno-file =F !write
@zip gnu - nonro any
  -TT --unzip-command =C !exec; -b =D; -x =P; -i =P; -t =D; -tt =D; -n =S; -O --out =F !write
  -P --password =P; -Z --compression-method =M
@make gnu - nonro any
  -C --directory =D !chdir; -f --file --makefile =F !exec; --eval =S !exec
  -I --include-dir =D !exec; -j --jobs [=N]; -l --load-average [=N]; -o --old-file =F
  -W --what-if --new-file --assume-new =F; -O --output-sync [=T]
@go golang - nonro any
  -C =D !chdir; -exec =P !exec; -toolexec =P !exec; -vettool =P !exec; -modfile =F !exec
  -overlay =F !exec; -pgo =F; -o =F !write; -coverprofile =F !write; -cpuprofile =F !write
  -memprofile =F !write; -blockprofile =F !write; -mutexprofile =F !write; -trace =F !write
  -outputdir =D !write; -ldflags =S; -gcflags =S; -asmflags =S; -tags =S; -run =P; -bench =P
  -count =N; -timeout =D; -p =N; -mod =M
@npm gnu - nonro any
  --script-shell =S !exec; --prefix -C =D !chdir; --userconfig =F !exec
  --globalconfig =F !exec; --node-options =S !exec; -c --call =S !exec; --shell =S !exec
  --workspace -w =W; --registry =U !net; --cache =D !write; --init-module =F !exec
@cargo exact - nonro any
  --config =S !exec; -Z =F !exec; --manifest-path =F !chdir; -C =D !chdir
  --target-dir =D !write; -p --package =P; -j --jobs =N; --features -F =F; --target =T
  --color =W; --bin =B; --example =E; --test =T; --bench =B; --profile =P
@pytest gnu - nonro any
  -p =M !exec; --basetemp =D !chdir; -c --config-file =F !exec; -o --override-ini =S !exec
  --rootdir =D !chdir; --confcutdir =D; -k =E; -m =E; --junit-xml --junitxml =F !write
  --log-file =F !write; --resultlog =F !write; --debug [=F] !write; --cov-report =R
  --import-mode =M; --pyargs
@rsync gnu - nonro any
  -e --rsh =C !exec; --rsync-path =P !exec; --password-file =F !read
  --files-from =F !readlist; --exclude-from =F !read; --include-from =F !read
  --log-file =F !write; --write-batch =F !write; --only-write-batch =F !write
  --read-batch =F !read; --temp-dir -T =D !write; --backup-dir =D !write
@ssh posix - nonro any
  -o =O !exec; -F =F !exec; -J =H !net; -i =F !read; -E =F !write; -S =S; -L =S; -R =S
  -D =S; -W =S; -w =S; -b =A; -c =C; -e =C; -I =P !exec; -l =U; -m =M; -O =C; -p =P
  -Q =Q; -B =I; -P =T
@scp posix - nonro any
  -S =P !exec; -o =O !exec; -F =F !exec; -J =H !net; -i =F !read; -c =C; -l =N; -P =P
  -X =O; -D =P !exec
@sftp posix - nonro any
  -S =P !exec; -o =O !exec; -F =F !exec; -J =H !net; -i =F !read; -D =P !exec; -b =F !read
  -B =N; -c =C; -l =N; -P =P; -R =N; -s =S !exec; -X =O
@docker exact - nonro any
  -H --host =H !net; --config =D !exec; -c --context =C !net; -D --debug
  -l --log-level =L; --tls; --tlscacert =F !read; --tlscert =F !read; --tlskey =F !read
  --tlsverify
@env gnu -
  -S --split-string =S !exec; -C --chdir =D !chdir; -u --unset =V; -i --ignore-environment
  -0 --null; -v --debug; --block-signal [=S]; --default-signal [=S]; --ignore-signal [=S]
  --list-signal-handling
@less gnu r* nonro any
  -o --log-file =F !write; -O --LOG-FILE =F !write; -k --lesskey-file =F !exec
  --lesskey-src =F !exec; -T --tag-file =F !read; -t --tag =T
@xxd posix rw nonro any
  -r -revert !write; -c =N; -g =N; -l =N; -s =N; -o =N; -n =S; -R =W
@awk gnu pr* nonro any
  -f --file =F !read; -E --exec =F !read; -v --assign =V; -F --field-separator =S
  -i --include =F !read; -l --load =L !exec; -o --pretty-print [=F] !write
  -p --profile [=F] !write; -d --dump-variables [=F] !write; -D --debug [=F]; -M --bignum
  -W =O; -e --source =S
@gawk gnu pr* nonro any
  -f --file =F !read; -E --exec =F !read; -v --assign =V; -F --field-separator =S
  -i --include =F !read; -l --load =L !exec; -o --pretty-print [=F] !write
  -p --profile [=F] !write; -d --dump-variables [=F] !write; -D --debug [=F]; -M --bignum
  -W =O; -e --source =S
"""
