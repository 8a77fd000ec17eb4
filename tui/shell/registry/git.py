"""Registry entries for git: its global options and the options of its read-only subcommands.

git's own global options (before the subcommand) are matched exactly, as ``git.c`` does; a
subcommand's options follow parse-options (unique abbreviations, ``--no-NAME``, clusters).
``%diff`` and ``%log`` stand for the diff and revision-walking options several subcommands
share.  Sources: git(1), git-diff(1) "diff options", git-log(1) / git-rev-list(1) "commit
limiting" and "commit formatting", and each subcommand's manual page, for git 2.39-2.47.

:data:`PROGRAM_KEYS` are the configuration keys that make git run a program; setting one with
``git -c`` or ``git config`` runs a program (issue 9, family 3).
"""

from __future__ import annotations

import re

GLOBAL = r"""
@git exact -
  -v --version; -C =D !chdir; -c =S !config; --config-env =S !config
  --exec-path [=D] !exec; --html-path; --man-path; --info-path; -p --paginate !exec
  -P --no-pager; --no-replace-objects; --no-lazy-fetch; --no-optional-locks; --no-advice
  --literal-pathspecs; --glob-pathspecs; --noglob-pathspecs; --icase-pathspecs; --bare !exec
  --git-dir =D !exec; --work-tree =D !exec; --namespace =N; --super-prefix =P !exec
  --list-cmds =L; --attr-source =T
"""

DIFF = r"""
  -p -u --patch; -s --no-patch; -U --unified =N; --output =F !write
  --output-indicator-new =C; --output-indicator-old =C; --output-indicator-context =C; --raw
  --patch-with-raw; --indent-heuristic; --minimal; --patience; --histogram; --anchored =T
  --diff-algorithm =A; --stat [=W]; --stat-width =N; --stat-name-width =N; --stat-count =N
  --stat-graph-width =N; --compact-summary; --numstat; --shortstat; -X --dirstat [=P]
  --cumulative; --dirstat-by-file [=P]; --summary; --patch-with-stat; -z; --name-only
  --name-status; --submodule [=F]; --color [=W]; --color-moved [=M]; --color-moved-ws =M
  --word-diff [=M]; --word-diff-regex =R; --color-words [=R]; --renames; --rename-empty
  --check; --ws-error-highlight =K; --full-index; --binary; --abbrev [=N]
  -B --break-rewrites [=N]; -M --find-renames [=N]; -C --find-copies [=N]
  --find-copies-harder; -D --irreversible-delete; -l =N; --diff-filter =F; -S =S; -G =R
  --find-object =O; --pickaxe-all; --pickaxe-regex; -O =F !read; --skip-to =F; --rotate-to =F
  -R; --relative [=P]; -a --text; --ignore-cr-at-eol; --ignore-space-at-eol
  -b --ignore-space-change; -w --ignore-all-space; --ignore-blank-lines
  -I --ignore-matching-lines =R; --inter-hunk-context =N; -W --function-context; --exit-code
  --quiet; --ext-diff !exec; --textconv !exec; --ignore-submodules [=W]; --src-prefix =P
  --dst-prefix =P; --prefix; --default-prefix; --line-prefix =P; --ita-invisible-in-index
  --ita-visible-in-index; --follow
"""

LOG = r"""
  --decorate [=S]; --decorate-refs =P; --decorate-refs-exclude =P; --clear-decorations
  --source; --mailmap --use-mailmap; --full-diff; --log-size; -L =S !readlist
  -n --max-count =N; --skip =N; --since --after --since-as-filter =D; --until --before =D
  --max-age =T; --min-age =T; --author =P; --committer =P; --grep-reflog =P; --grep =P
  --all-match; --invert-grep; -i --regexp-ignore-case; --basic-regexp; -E --extended-regexp
  -F --fixed-strings; -P --perl-regexp; --remove-empty; --merges; --min-parents =N
  --max-parents =N; --first-parent; --exclude-first-parent-only; --not; --all
  --branches [=P]; --tags [=P]; --remotes [=P]; --glob =P; --exclude =P; --exclude-hidden =S
  --reflog; --alternate-refs; --single-worktree; --ignore-missing; --bisect; --stdin
  --cherry-mark; --cherry-pick; --left-only; --right-only; --cherry; -g --walk-reflogs; --merge
  --boundary; --simplify-by-decoration; --show-pulls; --full-history; --dense; --sparse
  --simplify-merges; --ancestry-path [=C]; --date-order; --author-date-order; --topo-order
  --reverse; --walk [=S]; --do-walk; --pretty --format [=F]; --abbrev-commit; --oneline
  --encoding =E; --expand-tabs [=N]; --notes [=R]; --show-notes [=R]; --standard-notes
  --show-signature !exec; --relative-date; --date =F; --parents; --children; --left-right
  --graph; --show-linear-break [=B]; -c; --cc; --dd; --combined-all-paths; -m
  --diff-merges =F; -t; --count; --objects; --objects-edge; --no-object-names; -r; --root
"""

SUBCOMMANDS = r"""
@git_status git -
  -s --short; -b --branch; --show-stash; --porcelain [=V]; --long; -v --verbose
  -u --untracked-files [=M]; --ignore-submodules [=W]; --ignored [=M]; -z; --column [=O]
  --ahead-behind; --renames; --find-renames [=N]
@git_diff git - numeric
%diff
  --cached --staged; --merge-base; --no-index; -1 --base; -2 --ours; -3 --theirs; -0
@git_log git - numeric
%diff
%log
@git_whatchanged git - numeric
%diff
%log
@git_show git - numeric
%diff
%log
@git_rev-list git - numeric
%log
  --bisect-all; --bisect-vars; --timestamp; --header; --quiet; --disk-usage [=F]
  --objects-edge-aggressive; --unpacked; --filter =S; --missing =A; --indexed-objects
@git_shortlog git - numeric
%log
  -n --numbered; -s --summary; -e --email; --group =T; -w [=S]
@git_reflog git - numeric
%diff
%log
@git_blame git -
  -b; --root; --show-stats; -f --show-name; -n --show-number; -s; -e --show-email; -w
  --incremental; --line-porcelain; -p --porcelain; -L =R; -l; -t; -S =F !read; --reverse =R
  --first-parent; --progress; -M [=N]; -C [=N]; --ignore-rev =R; --ignore-revs-file =F !read
  --color-lines; --color-by-age; --minimal; --abbrev [=N]; -c; --score-debug
  --contents =F !read; --date =F; --encoding =E; --since =D
@git_annotate git -
  -b; --root; --show-stats; -L =R; -l; -t; -S =F !read; --reverse =R; --incremental
  --contents =F !read; --date =F; --encoding =E; -M [=N]; -C [=N]; --porcelain; -p
@git_grep git - numeric
  --cached; --untracked !recurse; --no-index !recurse; --exclude-standard
  --recurse-submodules; -a --text; --textconv !exec; -i --ignore-case; -I; --max-depth =N
  -r --recursive; -w --word-regexp; -v --invert-match; -h; -H; --full-name
  -E --extended-regexp; -G --basic-regexp; -P --perl-regexp; -F --fixed-strings
  -n --line-number; --column; -l --files-with-matches --name-only; -L --files-without-match
  -O --open-files-in-pager [=P] !exec; -z --null; -o --only-matching; -c --count
  --color [=W]; --break; --heading; -p --show-function; -C --context =N
  -A --after-context =N; -B --before-context =N; -W --function-context; -m --max-count =N
  --threads =N; -f =F !read; -e =P; --and; --or; --all-match; -q --quiet
@git_ls-files git -
  -c --cached; -d --deleted; -m --modified; -o --others; -i --ignored; -s --stage
  -u --unmerged; -k --killed; -z; -t; -v; -f; --directory; --empty-directory; --eol
  --deduplicate; -x --exclude =P; -X --exclude-from =F !read; --exclude-per-directory =F
  --exclude-standard; --error-unmatch; --with-tree =T; --full-name; --recurse-submodules
  --abbrev [=N]; --debug; --sparse; --format =F
@git_ls-tree git -
  -d; -r; -t; -l --long; -z; --name-only --name-status; --object-only; --full-name
  --full-tree; --format =F; --abbrev [=N]
@git_rev-parse git -
  --sq-quote; --keep-dashdash; --stop-at-non-option; --stuck-long; --revs-only; --no-revs
  --flags; --no-flags; --default =A; --prefix =A; --verify; -q --quiet; --sq; --short [=N]
  --not; --abbrev-ref [=M]; --symbolic; --symbolic-full-name; --all; --branches [=P]
  --tags [=P]; --remotes [=P]; --glob =P; --exclude =P; --exclude-hidden =S
  --disambiguate =P; --local-env-vars; --path-format =F; --git-dir; --git-common-dir
  --resolve-git-dir =P; --git-path =P; --show-toplevel; --show-superproject-working-tree
  --shared-index-path; --absolute-git-dir; --is-inside-git-dir; --is-inside-work-tree
  --is-bare-repository; --is-shallow-repository; --show-cdup; --show-prefix
  --show-object-format [=M]; --show-ref-format; --since --after =D; --until --before =D
@git_cat-file git -
  -t; -s; -e; -p; --textconv !exec; --filters !exec; --path =P; --batch [=F]
  --batch-check [=F]
  --batch-command [=F]; --batch-all-objects !recurse; --buffer; --follow-symlinks
  --unordered; -z; --allow-unknown-type; --use-mailmap
@git_show-ref git -
  --head; --heads --branches; --tags; -d --dereference; -s --hash [=N]; --verify; --exists
  --abbrev [=N]; -q --quiet; --exclude-existing [=P]
@git_for-each-ref git -
  --count =N; --shell; --perl; --python; --tcl; --sort =K; --format =F; --color [=W]
  --points-at =O; --merged [=C]; --contains [=C]; --ignore-case; --omit-empty
  --exclude =P; --stdin
@git_describe git -
  --dirty [=M]; --broken [=M]; --all; --tags; --contains; --abbrev =N; --candidates =N
  --exact-match; --debug; --long; --match =P; --exclude =P; --always; --first-parent
@git_merge-base git -
  -a --all; --octopus; --independent; --is-ancestor; --fork-point
@git_name-rev git -
  --tags; --refs =P; --exclude =P; --all; --annotate-stdin; --stdin; --name-only
  --undefined; --always
@git_count-objects git -
  -v --verbose; -H --human-readable
@git_version git -
  --build-options
@git_diff-tree git - numeric
%diff
%log
  --stdin; -s; -v; --no-commit-id; --always
@git_diff-files git - numeric
%diff
  -q; -r; -t
@git_diff-index git - numeric
%diff
  --cached; -m; -r; -t
@git_check-ignore git -
  -q --quiet; -v --verbose; -n --non-matching; --stdin; -z; --index
@git_check-attr git -
  -a --all; --cached; --stdin; -z; --source =T
@git_var git -
  -l
@git_cherry git -
  -v; --abbrev [=N]
@git_range-diff git - numeric
%diff
  --creation-factor =N; --dual-color; --left-only; --right-only; --notes [=R]
@git_show-branch git -
  -a --all; -r --remotes; --current; --topo-order; --date-order; --sparse; --more [=N]
  --list; --merge-base; --independent; --name; --sha1-name; --topics; -g --reflog [=N]
  --color [=W]
@git_verify-pack git -
  -v --verbose; -s --stat-only
@git_branch git -
  -a --all; -r --remotes; -l --list; -v --verbose; -q --quiet; --abbrev [=N]; --column [=O]
  --sort =K; --merged [=C]; --contains [=C]; --points-at =O; --format =F; --show-current
  -i --ignore-case; --omit-empty; --color [=W]
@git_tag git -
  -l --list; -n [=N]; --sort =K; --contains [=C]; --merged [=C]; --points-at =O; --format =F
  --color [=W]; -i --ignore-case; --column [=O]; --omit-empty
@git_remote git -
  -v --verbose
@git_stash git - numeric
%diff
%log
  --include-untracked; --only-untracked
@git_config git -
  --get; --get-all; --get-regexp; --get-urlmatch; --get-color; --get-colorbool; -l --list
  --name-only; --show-origin; --show-scope; -z --null; --type =T; --bool; --int
  --bool-or-int; --path; --expiry-date; --default =V; --local; --global; --system
  --worktree; -f --file =F !read; --blob =B; --includes; --all; --regexp; --value =V
  --fixed-value; --url =U
@git_worktree git -
  --porcelain; -v --verbose; -z; --expire =T
@git_notes git -
  --ref =R
"""

PROGRAM_KEYS: tuple[str, ...] = (
    "core.fsmonitor", "core.pager", "core.editor", "core.sshcommand", "core.hookspath",
    "core.askpass", "core.gitproxy", "core.alternaterefscommand", "core.worktree",
    "core.attributesfile", "core.excludesfile", "sequence.editor", "diff.external",
    "diff.*.textconv", "diff.*.command", "merge.*.driver", "filter.*.clean",
    "filter.*.smudge", "filter.*.process", "pager.*", "alias.*", "credential.helper",
    "credential.*.helper", "gpg.program", "gpg.*.program", "interactive.difffilter",
    "uploadpack.packobjectshook", "protocol.*.allow", "protocol.allow", "remote.*.uploadpack",
    "remote.*.receivepack", "remote.*.proxy", "sendemail.*", "web.browser", "browser.*.cmd",
    "browser.*.path", "man.*.cmd", "man.*.path", "difftool.*.cmd", "difftool.*.path",
    "mergetool.*.cmd", "mergetool.*.path", "include.path", "includeif.*.path", "http.proxy",
    "http.*.proxy", "ssh.variant", "url.*.insteadof", "url.*.pushinsteadof", "init.templatedir",
    "core.gitproxy", "log.showsignature", "submodule.*.update", "safe.directory",
    "safe.barerepository", "uploadarchive.allowunreachable", "receive.procreceiverefs",
    "extensions.*", "core.repositoryformatversion", "core.bare", "core.sharedrepository",
)
"""Configuration keys (lower-case, ``*`` one or more name parts) that run a program, choose
one, fetch from elsewhere, or change which repository or config git uses: ``git -c`` and
``git config`` writing any of them run a program.  Everything else (``color.*``,
``user.name``...) only changes output or records data."""

_KEY_RES = [re.compile("^" + re.escape(k).replace(r"\*", r".+") + "$") for k in PROGRAM_KEYS]


def key_runs_program(key: str) -> bool:
    """True when setting the git configuration ``key`` can make git run a program.

    ``key`` as written (``core.pager``, ``Alias.st``, ``diff.x.textconv``); git compares
    section and variable names case-insensitively.  An ``alias.*`` only runs a program when
    its value starts with ``!``, but the value is not looked at here: an alias can also
    shadow a read-only subcommand (``alias.status=push``).
    """
    k = key.strip().lower()
    if not k or "." not in k:
        return True
    return any(r.match(k) for r in _KEY_RES)


def table_text() -> str:
    """The git entries with ``%diff`` and ``%log`` expanded."""
    return GLOBAL + SUBCOMMANDS.replace("%diff\n", DIFF.lstrip("\n")).replace(
        "%log\n", LOG.lstrip("\n"))
