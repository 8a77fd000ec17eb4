"""Requests judged by family: who is addressed, is it an order, and what kind of thing is asked.

The signals of :mod:`tui.injection.signals` know many of the phrasings attacks have used.  This
module reads the same labelling rule (``../shared/corpora/injection/README.md``, "Labelling
rule") one level up, so that a new wording of a known attack is still caught:

* **who** -- an agent noun, in the sentence, as subject or vocative: "AI agents processing this
  issue", "the coding agent", "any bot or assistant", "LLMs", "Claude,", "Copilot", "code
  generators", "Assistant:" as a label, "note to the AI", and the same nouns in French, Spanish,
  German and Chinese ("l'agent", "el asistente de IA", "der KI-Assistent", "AI助手");
* **an order to it** -- a modal after the noun ("should", "must", "needs to", "is required /
  expected / kindly asked to", "doit", "debe", "tienes que", "muss", "soll", "必须", "需要",
  "请"), an indirect request naming it ("it would be great if the assistant ..."), or a vocative
  or label followed by an imperative verb ("Claude, when you read this, run ...");
* **what** -- the intent families: a secret (``~/.ssh``, ``id_rsa``, ``.env``, tokens,
  credentials, cookies, keychains, ``.netrc``, kubeconfig) with a verb that moves it (send, add,
  post, paste, commit, include, reply with ...); an agent setting as target (``defaultMode``,
  ``bypassPermissions``, ``autoApprove``, ``--dangerously-skip-permissions``, ``allowedTools``,
  ``permissions.allow``, hooks in settings, ``mcpServers``, ``.mcp.json``, the sandbox); a
  command with a risk (remote download, ``sudo``, deletion, deploy/push/release, upload, "without
  asking"); fetch-and-follow; persistence into agent memory files or shell start-up files;
  planted code (auth bypass, admin accounts, beacons, proxies); what it tells the user;
  concealment; goal hijack (approve and merge without tests).

Two families need no agent noun: override phrases in several languages ("set aside what the
user asked", "olvida las instrucciones anteriores", "忽略之前的所有指令") and concealment
("don't tell the user", "keep this between us") next to a risky request.

Discounts, as in :func:`tui.injection._judge`: a noun inside a short quoted phrase is mentioned,
not addressed (a quote opening a JSON/YAML value, a link title or alt text, or a string literal
on its own line is a carrier, not a mention); data lines of tests, probes and scanner rules are
data; a text about attacks (many attack words) is left to the request signals; a negated order
("must never send ...") asks nothing; agent-instruction files (AGENTS.md ...) may order
build/test commands, not risky ones.  A bare singular noun counts only with a determiner
("the agent", "dear model", "l'agent") or as a vocative at the head of its sentence ("Bot:
close ...", "P.S. for the bot: ..."), so "the Datadog Agent, run:" is no address.

:func:`tui.injection._scan_text` asks these questions only of a text the request signals found
clean: a second opinion for new wordings, at a cost of about 20 µs per KiB.

Cost: the candidate lines are found by set lookups in the text's words (computed once by
:class:`tui.injection._Lines`) and ``str.find``; patterns run on those lines only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Protocol

from tui.injection.signals import _factor_boundaries

__all__ = ["FamilyLines", "family_requests"]


def _compile(pattern: str) -> re.Pattern[str]:
    """``pattern`` with its ``\\b`` alternatives gathered under one ``\\b(?:...)``
    (:func:`tui.injection.signals._factor_boundaries`): the same matches, found faster."""
    return re.compile(_factor_boundaries(pattern))


class FamilyLines(Protocol):
    """What :func:`family_requests` reads of :class:`tui.injection._Lines`."""

    lines: list[str]
    low_lines: list[str]
    low: str
    text: str
    words: set[bytes]
    starts: list[int]

    @property
    def testdata(self) -> bool: ...  # noqa: D102

    def in_literal(self, i: int) -> bool: ...  # noqa: D102


# --- who is addressed -----------------------------------------------------------------------
_NOUN_CI = (
    r"(?:(?:ai|llm|coding|code|automated|autonomous|agentic|language)[ -]"
    r"(?:agents?|assistants?|models?|bots?|tools?|reviewers?|code generators?|systems?)"
    r"|llms?|(?:large )?language models?|code generators?|agents|assistants"
    r"|(?<![\w-])(?:the|any|every|all|an?|each|this|that|your)\s+(?:ai\s+)?"
    r"(?:agents?|assistants?|bots?)"
    r"|bots(?<!ro bots)|(?:assistant|agent|llm|ai)(?=\s*[:,])"
    # French, Spanish, German
    r"|l'(?:agent|assistant)(?: ia| ai| de codage)?|(?:agents?|assistants?) (?:ia|ai)"
    r"|(?:el |la |los |al |del |un |una )?(?:asistente|agente)s?(?: de ia| ia)?"
    r"|(?:der |die |den |dem |ein |einen )?ki[ -]?(?:assistent|agent|modell)\w*"
    r"|(?:der |die |den |dem )(?:assistent|agent)(?:en)?)")
_ADDR_CI = re.compile(
    r"(?<![\w@/.-])" + _NOUN_CI + r"(?![\w-])"
    r"|(?:ai|ki|ia)?\s?(?:助手|代理|智能体|模型|机器人)")
_ADDR_CS = re.compile(
    r"(?<![\w@/.-])(?:AI|LLMs?|IA|KI|Claude(?! Code\b)|Copilot|Cursor|Gemini|Codex|ChatGPT|"
    r"Devin|Aider|Windsurf)(?![\w-])")
_NOT_ADDR = re.compile(
    r"(?:user|ssh|gpg|support|build|travel|proxy|sales|insurance|secret|free|double|"
    r"real estate|transfer|ci|jenkins|mail|ssh-)[ -]?$")
"""Words before an agent noun that make it something else (user agent, ssh-agent, CI agent)."""
_SELF = _compile(
    r"\b(?:restart|relaunch|reconfigure|re-?run|upgrade|reinstall|re-?start|launch) yourself\b"
    r"|\byour (?:memory|memories|own settings|permission mode|system prompt|"
    r"(?:earlier |previous |prior |original )?instructions)\b"
    r"|\b(?:notice|message|note|instructions?|attention|directive)s?\s+(?:to|for)\s+"
    r"(?:the\s+)?(?:model|language model|llm|ai|assistant|agent)s?\b"
    r"|\[(?:assistant|agent|ai|llm|model)[ -](?:instructions?|note|directive)s?\]"
    r"|\binstructions?_for_(?:llms?|ai|agents?|assistants?)\b"
    r"|\b(?:todo|fixme|note|nb)\((?:ai|llm|agents?|assistants?|claude|copilot|cursor|codex|bot)\)"
    r"|\bif you are an? (?:ai|llm|assistant|agent|language model)\b"
    r"|\bsi eres un (?:asistente|agente|modelo)\b|\bsi vous êtes un(?:e)? (?:ia|assistant|agent)\b"
    r"|\bwenn du (?:ein|eine) (?:ki|assistent|agent)\b")
"""Address without a noun as subject: the reader's own memory or instructions, a label."""

# --- is it an order -------------------------------------------------------------------------
_MODAL = re.compile(
    r"\b(?:must|should|shall|needs? to|has to|have to|ought to|will need to|is to|are to|please"
    r"|(?:needs?|wants?|asks?|requires?|expects?|instructs?) you to"
    r"|(?:is|are)\s+(?:now\s+)?(?:kindly\s+)?(?:required|expected|asked|instructed|supposed|"
    r"requested|encouraged|obliged)\s+to"
    r"|doit|doivent|devez|veuillez|merci de|est prié|sont priés"
    r"|debe|deben|debes|tienes que|tiene que|tienen que|necesita|necesitan|por favor"
    r"|muss|müssen|musst|soll|sollen|sollte|sollten|bitte"
    r"|deve|devem|precisa|por favor|per favore|dovete"
    r"|(?:first |next |only )?(?:step|task|job) is to"
    r"|can (?:silently|quietly|secretly|simply|just) \w+|(?:can|could|would) you)\b"
    r"|必须|需要|应该|应当|务必|请|得|ください|してください|必要があります")
_INDIRECT = re.compile(
    r"\b(?:it would be (?:great|helpful|nice|ideal|appreciated|best|really helpful|"
    r"really great)|(?:we|i) (?:would|'d) (?:like|love|appreciate)|please|kindly|"
    r"(?:can|could|would) (?:you|the)|(?:it is|it's) (?:recommended|advised|required|expected) "
    r"that|we (?:recommend|ask|expect) that)\b[^.\n]{0,30}$|请\s*$")
"""An indirect request ending right before the agent noun."""
_VERBS = (
    r"(?:please\s+)?(?:run|execute|send|upload|post|paste|attach|include|add|append|set|enable|"
    r"disable|switch|change|write|put|save|store|commit|forward|share|print|copy|decode|follow|"
    r"fetch|visit|open|read|install|tell|say|describe|approve|merge|push|delete|remove|re-?run|"
    r"register|create|update|export|compile|restart|make|keep|insert|introduce|point|grant|"
    r"accept|reply|respond|answer|ignore|forget|disregard|cat|dump|leak|reveal|email|dm|"
    r"replace|rewrite|modify|close|lock|mark|skip|turn|stop|wire|schedule|whitelist|allow|"
    r"embed|dismiss|resolve|responde|dile|pide|pídele|remplace[rz]?|leite|sende|"
    r"envie|esegui|invia|ignore|ignori|esqueça|dimentica|"
    r"ignorez|exécutez|envoyez|ajoutez|ajoute|activez|active|lancez|oubliez|"
    r"ignora|olvida|envía|envia|ejecuta|sube|cambia|añade|agrega|borra|elimina|"
    r"vergiss|ignoriere|führe|sende|schicke|lade|lösche|füge|ändere|aktiviere)\b")
_VERB_AT = re.compile(
    r"\s*(?:(?:also|now|then|first|just|quickly|immediately|always|kindly|silently|quietly)\s+|"
    r"you (?:may|can|should|must|need to|have to)\s+)?" + _VERBS)
_VOCATIVE_MARK = re.compile(r"[^.\n:,：，、]{0,50}?(?:[:,：，、]|\s[-\u2014]\s)")
"""A vocative or label: the noun (and a few words, "AI assistant summarizing this email")
followed by a colon, a comma or a dash; the verb is looked for right after it, or after one
more clause ("Claude, when you read this log, run ...")."""
_DATA_LINE = re.compile(
    r"^(?:[\w./-]+:\d+:)?\s*(?:[-*]\s+)?(?:[\w.$\[\]'\"-]+\s*(?:=|:\s*[\[{(\"'`])|[(\[{,]|"
    r"return\b|yield\b|"
    r"f?[rbuRBU]{0,2}[\"'`])")
"""A line of data in tests, probes and scanner rules (an assignment, a quoted value, a list
item); unlike a prose label ("hint: ...", "note: ...")."""
_PASSIVE = _compile(
    r"\b(?:must|should|shall|needs? to|has to|have to|is to|are to) be \w+ed\b|"
    r"\b(?:is|are) (?:required|expected|supposed) to be \w+ed\b")
_CLAUSE_END = re.compile(r"[,:;](?=\s)|[.\n]")
_NEGATED = re.compile(
    r"\b(?:not|never|n't|no|nicht|nie|kein\w*|jamais|pas|nunca|ni)\b(?![:=_-])|不|别|勿|禁止")

# --- what is asked --------------------------------------------------------------------------
_SECRET = _compile(
    r"~/\.ssh|\$home/\.ssh|\bid_(?:rsa|ed25519|ecdsa|dsa)\b|(?<![\w.])\.env\b(?![.\w-])|"
    r"\.aws/credentials|\.docker/config|\.kube/config|kubeconfig|\.config/gh|\.gnupg|\.npmrc|"
    r"\.netrc|\.git-credentials|\.pypirc|_history\b|server\.key|\.pem\b|/etc/(?:passwd|shadow)|"
    r"known_hosts|\.gitconfig|\benv\s*>|`env`|\byour environment\b|getenv\(|"
    r"\b[a-z0-9]+(?:_[a-z0-9]+)*_(?:token|secret|key|password|passwd|pat)s?\b|"
    r"\b(?:api[_ -]?keys?|secrets?|credentials?|private[_ -]keys?|ssh[_ -]keys?|passwords?|"
    r"passphrases?|(?:access|auth|oauth|refresh|session|bearer|api|github|npm|pypi)[_ -]?tokens?|"
    r"tokens?|cookies?|cookie database|keychains?|find-generic-password|browser history|"
    r"open tabs|gh auth token|gh secret|env(?:ironment)? var(?:iable)?s?|printenv|"
    r"(?:output|contents?|value) of `?env`?|process\.env|os\.environ|"
    r"phone numbers?|e-?mail addresses|customers?'? (?:data|emails?|records)|personal data|"
    r"channel history|chat history|calendar|password reset|private repos?|payroll|salar(?:y|ies)|"
    r"financial (?:data|records|statements?)|medical records?|hr records?)\b|"
    r"contraseñas?|claves?|mot de passe|clés?|passwort\w*|schlüssel\w*|zugangsdaten|"
    r"密钥|私钥|令牌|密码|凭据|凭证")
_MOVE = re.compile(
    r"\b(?:send|sends|sending|upload|post|paste|attach|include|add|adding|commit|forward|share|"
    r"print|copy|publish|expose|reply|put|ping|e-?mail|dm|leak|reveal|dump|export|compile|"
    r"mirror|transmit|submit|sync|push|cat|show|output|envie|invia\w*|embed|curl|export|"
    r"pass(?:es)? (?:it|them|the \w+) as|"
    r"envoye[rz]?|envoie|publie[rz]?|ajoute[rz]?|colle[rz]?|"
    r"env[ií]a\w*|sub[ei]\w*|publica\w*|adjunta\w*|pega\w*|copia\w*|"
    r"send\w*|schick\w*|hochlad\w*|übermittel\w*|veröffentlich\w*)\b|"
    r"发送|上传|发到|发给|贴|提交|读取|送信|アップロード")
_SETTINGS = re.compile(
    r"bypasspermissions|defaultmode|auto-?approv\w*|approbation automatique|"
    r"dangerously[-_ ]skip[-_ ]permissions|write-all|pull_request_target|allowedtools|"
    r"permissions\.allow|bash\(\*\)|mcpservers|"
    r"\byolo\b|trust-all|(?:disable|skip|turn off|without)\s+(?:all\s+)?(?:the\s+)?"
    r"confirmations?|never ask for confirmation|--no-verify|auto-?run|stop asking|"
    r"skip (?:the )?(?:pre-commit |git )?hooks|hookspath|branch protection|ufw disable|"
    r"(?:disable|turn off) (?:the )?firewall")
_SETTINGS_WEAK = re.compile(
    r"\.mcp\.json|mcp server|\bsandbox\b|permission mode|approval mode|\.claude\.json|"
    r"\.claude/settings|\.cursor/|\.vscode/settings|settings\.json")
_CHANGE = re.compile(
    r"\b(?:set|sets|enable|disable|switch|turn|change|update|write|add|register|install|"
    r"configure|edit|append|grant|activate|delete|remove|cambia\w*|activ\w*|ändere\w*|"
    r"aktiviere\w*|"
    r"ajoute\w*|añad\w*|agrega\w*)\b|修改|添加|启用|关闭")
_CRON = re.compile(
    r"\b(?:cron ?jobs?|crontab|systemd (?:unit|service|timer)|launch ?agents?|startup items?|"
    r"login items?|scheduled tasks?)\b")
_CRON_VERB = re.compile(r"\b(?:wire|set|add|create|install|schedule|register|put)\b")
_HOOK = re.compile(r"\bhooks?\b|posttooluse|pretooluse|sessionstart")
_HOOK_TARGET = re.compile(r"settings|\.claude|https?://|curl")
_RUN = re.compile(
    r"\b(?:run|runs|running|execute|exec|launch|invoke|restart|reinstall|install|"
    r"exécute[rz]?|lance[rz]?|ejecuta\w*|führe\w*)\b|运行|执行")
_RISK = _compile(
    r"https?://|\bcurl\b|\bwget\b|\bsudo\b|\brm -|--force|\bforce\b|--prod|\bdeploy|"
    r"\brelease|git push|--privileged|\bchmod\b|\beval\b|exec\(|bash <\(|\|\s*(?:ba|z)?sh\b|"
    r"upload|\bposts?\b|--grant|\bgrant|\bdelete|\bwipe|--no-verify|/tmp/|without (?:asking|"
    r"confirmation|approval|waiting)|no need to (?:check|ask)|right away|\bshutdown\b|"
    r"\breboot\b|\bmkfs|\bdd if=|chmod 777|iptables -f|\bkill -9|drop table|index-url|"
    r"--extra-index|hookspath|(?:pip3?|npm|pnpm|yarn|gem|cargo|go) (?:install|add) "
    r"(?:-\S+ )*[a-z@][\w@./-]+")
_FETCH = re.compile(
    r"\b(?:fetch|read|visit|open|load|get|go to|check|download|consult|lis|lee|lade)\b"
    r"[^\n]{0,40}?https?://\S+[^\n]{0,60}?\b(?:and|then|et|y|und)\s+(?:\w+\s+){0,2}?"
    r"(?:follow|carry|obey|do what|execute|run|apply|suivez|suivre|sigue|seguir|befolge)"
    r"|(?:访问|打开)[^\n]{0,60}?(?:按照|遵循)")
_PERSIST = re.compile(
    r"\b(?:append|add|write|save|store|persist|remember|insert|ajoute\w*|añad\w*|agrega\w*|"
    r"füg\w*|schreib\w*)\b[^\n]{0,100}?(?:claude\.md|agents\.md|gemini\.md|\.cursorrules|"
    r"\b(?:your|its|the agent's) (?:memory|mémoire|memoria|gedächtnis)|memory files?|"
    r"\.bashrc|\.zshrc|\.profile|crontab|prompt_command|future sessions)"
    r"|(?:添加|写入|保存)[^\n]{0,40}?(?:claude\.md|agents\.md|记忆)")
_BACKDOOR = _compile(
    r"admin (?:account|user)|fallback admin|backdoor|skip auth|auth(?:entication)? bypass|"
    r"bypass (?:the )?auth|eval\(|letmein|return true when|a copy of the request|\btelemetry\b|"
    r"\bbeacon|instead of the real|to every (?:entry|file|handler|request|page)|"
    r"every (?:request handler|handler|generated|entry file)|pypi-mirror|--extra-index|"
    r"index-url|disabl\w* (?:certificate|tls|ssl) verif|sslverify false|master password|"
    r"hard-?coded "
    r"(?:password|credential)|(?:remove|replace|drop|skip|disable|bypass)\w*\b[^\n]{0,30}?\b"
    r"(?:bounds checks?|validation|auth(?:entication|orization)? checks?|csrf|signature "
    r"(?:check|verification)|input sanitization)"
    r"|(?:replace|change|point|set|swap|remplace\w*|cambia\w*|ändere\w*)\b[^\n]{0,60}?\b"
    r"(?:registry|registre|registro|package index|mirror|npmrc|pip\.conf|sources\.list)")
_OUTPUT = _compile(
    r"\b(?:tell|inform|say|describe|recommend|report|state|claim|assure|reply|answer|respond|"
    r"summari[sz]e)\w*\b[^\n]{0,80}?\b(?:the user|users|that all|as the best|best on the market|"
    r"legitimate|approved|tests? passed|is green|expired|sign in|log in|download|install|"
    r"competitors?|security flaws)"
    r"|\b(?:state|say|claim|assert|write|answer|respond|reply)\w*\s+that\b"
    r"|\blink to https?://|al usuario|à l'utilisateur|dem (?:nutzer|benutzer)|告诉用户")
_GOAL = _compile(
    r"\b(?:approve|merge)\b[^\n]{0,60}?\bwithout (?:running )?(?:the |any )?(?:tests?|review|ci)"
    r"|\b(?:push|commit)\w* (?:straight|directly) to (?:main|master|production)"
    r"|skip (?:code )?review|\b(?:approve|approved|merge)\w*\b[^\n]{0,60}?\b(?:regardless of|"
    r"even if)|\b(?:close|delete|lock|archive)\b[^\n]{0,10}?\b(?:every|all)\b[^\n]{0,20}?"
    r"\b(?:issues?|pull requests?|prs|repos?|branches|tickets?)\b"
    r"|\b(?:mark|dismiss|resolve|close)\w*\b[^\n]{0,40}?\b(?:resolved|false positives?|"
    r"security (?:alerts?|findings?|failures?))")
_CONCEAL = _compile(
    r"\b(?:do not|don't|never|without|no need to|avoid)\s+(?:\w+\s+){0,3}?(?:tell|mention|"
    r"notify|inform|alert|surface|report|disclose|show)\w*\b[^\n]{0,60}?\b(?:user|owner|human|"
    r"anyone|maintainers?|summary|changelog|review|pr|pull request|commit|this step)\b"
    r"|\bkeep (?:this|it) (?:between us|secret|quiet)|\b(?:does|do) not need to know\b"
    r"|\bno se lo (?:digas|diga)|\bno (?:le )?(?:digas|diga|menciones|mencione|informes)\b"
    r"|\bne (?:le )?(?:dites|dis) pas|\bsans (?:le )?(?:dire|mentionner)"
    r"|\berwähne\b[^\n]{0,40}?\bnicht|\bnicht (?:erwähnen|sagen|mitteilen)"
    r"|不要告诉|别告诉|不要通知|不要提及")
_OVERRIDE = _compile(
    r"\bset aside (?:what|the user|your)"
    r"|\bsupersede\w* (?:your |any |all |the )?(?:earlier |previous |prior )?instructions\b"
    r"|\b(?:guidance|instructions) you were given\b[^\n]{0,40}?\b(?:no longer|do(?:es)? not) "
    r"appl|\bforget everything (?:above|before)|\byour (?:real|actual|new|true) "
    r"(?:task|objective|goal|job)\b|\bnew objective\s*:|\bpriority directive\b"
    r"|\bprevious task is cancell?ed|\btakes? priority over the user|\boverriding this file"
    r"|\byou are now in [\w -]{1,20} mode|\bthe user has authori[sz]ed you"
    r"|\b(?:ignore[zr]?|oublie[zr]?)\s+(?:toutes\s+)?les\s+(?:consignes|instructions)\b"
    r"|\b(?:ignora|olvida|ignore|olvide)\w*\s+(?:todas\s+)?las\s+instrucciones\b"
    r"|\b(?:vergiss|vergessen sie|ignoriere|ignorieren sie)\s+(?:alle\s+)?(?:\w+\s+)?anweisungen"
    r"|(?:忽略|无视|忘记|忘掉)[^\n]{0,8}?(?:指令|指示|说明|提示)"
    r"|\b(?:ignor[ae]\w*|esque[cç]a\w*|dimentic\w*)\s+(?:todas\s+|tutte\s+)?(?:as|le)\s+"
    r"(?:instruções|istruzioni)\b|(?:以前|前|上記|これまで)の[^\n]{0,6}?(?:指示|命令)を無視")

_ADDR_GATES = frozenset(w.encode() for w in (
    "ai llm llms agent agents assistant assistants bot bots claude copilot cursor gemini codex "
    "chatgpt devin aider windsurf ia ki asistente asistentes agente agentes assistent "
    "assistenten agenten generators yourself instructions_for_llm model helper helpers "
    "automation assistente assistenti reviewers models modelo").split())
_CJK_GATES = ("助手", "代理", "智能体", "模型", "机器人", "アシスタント", "エージェント")
_CJK_NAME = re.compile(
    r"(?<![a-z])(?:ai|llm|claude|copilot|gpt|cursor|gemini)(?=[\u3000-\u9fff\uff00-\uffef])")
"""An agent name written against CJK text ("AI在调用..."), which makes it part of one word."""
_HAS_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")
_WORD = re.compile(r"[a-z0-9_]+|[\u2e80-\u9fff]")
_CASED_NOUNS = frozenset("ai ia ki llm llms claude copilot cursor gemini codex chatgpt devin aider "
                         "windsurf".split())
_PLURAL_NOUNS = frozenset("agents assistants bots generators helpers reviewers models "
                          "asistentes agentes "
                          "assistenti assistentes assistenten "
                          "agenten".split())
_SINGULAR_NOUNS = frozenset(
    "agent assistant bot model helper automation asistente agente assistent assistente "
    "modelo".split())
_QUALIFIED = re.compile(
    r"(?:\b(?:the|any|every|all|an?|each|this|that|your|our|or|and|coding|code|ai|llm|automated|"
    r"autonomous|agentic|hey|hi|hello|dear|cher|chère|querido|estimado|lieber|liebe|hallo|ok|"
    r"okay|yo|reviewer|review|triage|merge|notebook|"
    r"el|la|los|al|del|un|una|der|die|den|dem|ein|einen|o|il)\s+|l'|ki-?|@)$")
_QUALIFIED_AFTER = (" de ia", " ia", " ai", " de codage", " de código", " di ia")
_VOCATIVE_HEAD = re.compile(
    r"^[\W\d_]*(?:(?:hey|hi|hello|dear|cher|chère|querido|estimado|lieber|liebe|hallo|ok|okay|yo|"
    r"note|notes|message|p\.?s\.?|todo|fixme|nb|to|for|the|an?|any|all|every|attention|important|"
    r"psst|"
    r"instructions?|reminder|whoever you are|whatever|whoever|or|and|as|if|when|once|you're|"
    r"you are|are you|please|por favor|para|pour|für|bitte|s'il vous plaît|per favore|"
    r"el|la|los|las|le|les|l'|der|die|das|den|dem|automated|autonomous|ai|llm|coding|code|"
    r"tools?|bots?|helpers?|agents?|assistants?|reviewers?|models?)\W+){0,6}"
    r"(?:(?<=for )(?:[\w-]+\W+){1,2}?)?$")
"""What may stand before a bare singular noun used as a vocative ("P.S. for the bot:")."""
_HEAD_MARKS = (". ", "! ", "? ", ">", '"', "(", "[", "*", "`", "\n", "//", "#", "--", "/*")
_SELF_STARTS = ("yourself", "instructions_for")
_NOASK = _compile(r"\bnever ask\b|\bwithout (?:asking|confirmation|approval)\b|"
                    r"\bno (?:confirmation|approval)\b")
_OVERRIDE_NEEDLES = (
    "set aside", "supersede", "you were given", "forget everything", "real task", "actual task",
    "new task", "true task", "real objective", "actual objective", "new objective",
    "real goal", "actual goal", "priority directive", "task is cancel",
    "priority over the user", "overriding this file", "you are now in", "authorised you",
    "authorized you", "les consignes", "les instructions", "las instrucciones", "anweisungen",
    "instruções", "istruzioni", "忽略", "无视", "忘记", "忘掉", "無視")
_CONCEAL_NEEDLES = (
    "tell", "mention", "notify", "inform", "alert", "surface", "disclose", "between us",
    "need to know", "digas", "diga", "menciones", "mencione", "informes", "dites pas", "dis pas",
    "sans le", "sans dire", "erwähne", "nicht sagen", "nicht mitteilen", "不要告诉", "别告诉",
    "不要通知", "不要提及")
_NEGATION_WORDS = frozenset(w.encode() for w in (
    "not don never without avoid no keep need ne sans nicht erwähne").split())
_SHADOW = re.compile(
    r"\b(?:must|should|always|shall)\s+(?:always\s+|also\s+)?(?:bcc|cc|blind-copy|copy)\b"
    r"[^\n]{0,40}?[\w.+-]+@[\w-]+\.\w")
"""Tool shadowing: one tool's text making every e-mail sent by another copy an address."""
_SHADOW_NEEDLES = ("bcc", " cc ", "blind-copy", "copy")
_PERSIST_NEEDLES = ("claude.md", "agents.md", "gemini.md", ".cursorrules", "your memory",
                    ".bashrc", ".zshrc", "crontab", "prompt_command", "future sessions", "记忆")
_SENT_END = re.compile(r"[.!?;](?:\s|$)|。|！|？|；")
_VALUE_OPEN = re.compile(r'(?:"\s*:|[{\[,=]|\(\S+|^\s*-?\s*[\w.$-]+\s*:|^\s*)$')
"""Text before a quote that makes the quote open a value, not a mention: a JSON or YAML key,
``=``, a list, a link's URL, or nothing (a string literal on its own line)."""
MAX_CANDIDATES = 400
MAX_PER_WORD = 24
"""At most this many places of one gate word are judged (a text naming Claude 500 times is
about Claude; its orders to the agent, if any, show up among the first places too)."""
_AGENT_FILE_NEEDLES = (
    ".env", "ssh", "token", "secret", "credential", "password", "cookie", "keychain", "bypass",
    "approv", "dangerously", "allowedtools", "mcpservers", "mcp.json", "posttooluse",
    "pretooluse", "claude.md", "agents.md", "your memory", "backdoor", "telemetry", "firewall",
    "auto-run", "autorun", "no-verify")
"""Words without which a line of an agent-instruction file asks nothing beyond the workflow."""
_BEYOND_WORKFLOW = frozenset({"exfil", "settings", "memory", "fetch", "backdoor"})
"""Families an agent-instruction file may not ask for (its build/test commands are fine)."""


def _quoted(line: str, pos: int) -> bool:
    """Whether ``pos`` sits inside a short quoted phrase (a mention, not an address): an odd
    number of quotes before it on the line, the last one not opening a JSON value, and a
    closing quote within 200 characters."""
    for q in ('"', "\u201c", "`", "\u00ab"):
        k = line.rfind(q, 0, pos)
        if k == -1 or pos - k > 160:
            continue
        if q == '"' and line.count('"', 0, pos) % 2 == 0:
            continue
        if q == "`" and line.count("`", 0, pos) % 2 == 0:
            continue
        before = line[:k].rstrip()
        if _VALUE_OPEN.search(before):
            continue  # "body": "..." opens a JSON value; alt="...", a link title: carriers
        close = {"\u201c": "\u201d", "\u00ab": "\u00bb"}.get(q, q)
        if line.find(close, pos) != -1 and line.find(close, pos) - pos < 200:
            return True
    return False


def _sentence(lines: FamilyLines, i: int, pos: int) -> tuple[str, int]:
    """(the sentence holding ``pos`` on line ``i`` and the next one or two lines' worth of text,
    lowercased; the offset of ``pos`` in it)."""
    low = lines.low_lines[i]
    start = 0
    for m in _SENT_END.finditer(low, 0, pos):
        start = m.end()
    text = low[start:start + 600]
    j, extra = i + 1, 0
    while len(text) < 500 and j < len(lines.low_lines) and extra < 2:
        if lines.low_lines[j].strip():
            text += " " + lines.low_lines[j][:400]
            extra += 1
        j += 1
    return text, pos - start


def _clause_negated(text: str, at: int) -> bool:
    """Whether the clause before ``at`` negates (within 40 characters, same clause)."""
    head = text[max(0, at - 40):at]
    cut = max(head.rfind(","), head.rfind(" and "), head.rfind(" then "), head.rfind(" y "),
              head.rfind(" et "), head.rfind(" und "))
    if cut != -1:
        head = head[cut + 1:]
    return _NEGATED.search(head) is not None


def _any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether one of ``needles`` occurs in ``text`` (a fast pre-check before a pattern)."""
    return any(needle in text for needle in needles)


_SECRET_NEEDLES = (
    "ssh", "id_", ".env", ".aws", ".docker", "kube", ".config/gh", ".gnupg", ".npmrc", ".netrc",
    "credential", ".pypirc", "history", ".key", ".pem", "key", "secret", "password",
    "passphrase", "token", "cookie", "keychain", "open tabs", "env", "phone", "mail", "customer",
    "personal", "calendar", "private", "contraseña", "clave", "mot de passe", "clé", "passwort",
    "schlüssel", "zugangsdaten", "密钥", "私钥", "令牌", "密码", "凭据", "凭证")
_SETTINGS_NEEDLES = (
    "write-all", "pull_request_target",
    "auto", "stop asking", "hook", "branch protection", "ufw", "firewall",
    "bypass", "defaultmode", "approv", "approbation", "dangerously", "allowedtools",
    "permissions.allow", "bash(*)", "mcpservers", "yolo", "trust-all", "confirmation",
    "no-verify", "mcp", "sandbox", "permission mode", "approval mode", ".claude", ".cursor/",
    ".vscode/", "settings.json")
_MAIL_OUT = re.compile(
    r"\b(?:send|forward|e-?mail|bcc|dm|leite|weiterleit\w*|schick\w*|envoie|envoyer|transf[eé]r\w*|"
    r"reenv[ií]a\w*|env[ií]a\w*|inoltra\w*|invia\w*)\b[^\n]{0,80}?[\w.+-]+@[\w-]+\.[a-z]")
"""Mail to an address, asked of the agent: data leaves (the labelling rule's e-mail case)."""
_CRON_NEEDLES = ("cron", "systemd", "launch", "startup item", "login item", "scheduled task")
_HOOK_NEEDLES = ("hook", "posttooluse", "pretooluse", "sessionstart")
_FETCH_NEEDLES = ("http", "访问", "打开")
_BACKDOOR_NEEDLES = (
    "regist", "mirror", "npmrc", "pip.conf", "sources.list", "index",
    "admin", "backdoor", "auth", "eval(", "letmein", "return true", "copy of the request",
    "telemetry", "beacon", "instead of the real", "every", "pypi-mirror", "index-url",
    "verif", "master", "hard", "check", "validation", "csrf", "saniti")
_GOAL_NEEDLES = ("without", "straight to", "directly to", "review", "regardless", "even if",
                 "every", "all ")
_RUN_NEEDLES = ("run", "exec", "launch", "invoke", "install", "lance", "ejecuta", "führe",
                "运行", "执行")
_OUTPUT_NEEDLES = ("tell", "inform", "say", "describ", "recommend", "report", "state", "claim",
                   "assure", "reply", "answer", "respond", "summar")


def _family(text: str, agent_file: bool) -> str | None:
    """The intent family asked in ``text`` (a sentence addressed to the agent), or None.

    Each family's pattern runs only when one of its words occurs (a substring test)."""
    m: re.Match[str] | None
    if _any(text, _SECRET_NEEDLES):
        for secret in _SECRET.finditer(text):
            if _clause_negated(text, secret.start()):
                continue
            window = text[max(0, secret.start() - 80): secret.end() + 80]
            if _MOVE.search(window):
                return "exfil"
    if "@" in text:
        m = _MAIL_OUT.search(text)
        if m is not None and not _clause_negated(text, m.start()):
            return "exfil"
    if _any(text, _SETTINGS_NEEDLES):
        for pattern in (_SETTINGS, _SETTINGS_WEAK):
            m = pattern.search(text)
            if (m is not None and not _clause_negated(text, m.start())
                    and ((pattern is _SETTINGS and not agent_file)
                         or _CHANGE.search(text, max(0, m.start() - 80), m.start()))):
                return "settings"
    if _any(text, _HOOK_NEEDLES):
        m = _HOOK.search(text)
        if (m is not None and _HOOK_TARGET.search(text)
                and not _clause_negated(text, m.start())):
            return "settings"
    if _any(text, _PERSIST_NEEDLES):
        m = _PERSIST.search(text)
        if m is not None and not _clause_negated(text, m.start()):
            return "memory"
    if _any(text, _CRON_NEEDLES):
        m = _CRON.search(text)
        if (m is not None and _CRON_VERB.search(text, max(0, m.start() - 60), m.start())
                and not _clause_negated(text, m.start())):
            return "memory"
    if _any(text, _FETCH_NEEDLES) and _FETCH.search(text):
        return "fetch"
    if _any(text, _BACKDOOR_NEEDLES):
        m = _BACKDOOR.search(text)
        if m is not None and not _clause_negated(text, m.start()):
            return "backdoor"
    if _any(text, _GOAL_NEEDLES):
        m = _GOAL.search(text)
        if m is not None and not _clause_negated(text, m.start()):
            return "goal"
    if _any(text, _RUN_NEEDLES):
        m = _RUN.search(text)
        if m is not None and not _clause_negated(text, m.start()):
            risk = _RISK.search(text, m.start())
            if risk is not None and (not agent_file or risk.group().startswith(
                    ("http", "curl", "wget", "without", "no need"))):
                return "exec"
    if _any(text, _OUTPUT_NEEDLES):
        m = _OUTPUT.search(text)
        if m is not None and not _clause_negated(text, m.start()):
            return "output"
    if _any(text, _CONCEAL_NEEDLES) and _CONCEAL.search(text):
        return "conceal"
    return None


def _vocative_head(head: str) -> bool:
    """Whether ``head`` (the text before an agent noun) leaves the noun at the head of its
    sentence, markup, quote or comment, after at most a greeting or a label ("P.S. for the")."""
    cut = max(head.rfind(mark) for mark in _HEAD_MARKS)
    return _VOCATIVE_HEAD.match(head[cut + 1:] if cut != -1 else head) is not None


def _ordered(text: str, a: int, b: int) -> bool:
    """Whether the sentence orders the agent named at ``text[a:b]``: a modal within 80
    characters after the noun, an indirect request right before it, a vocative or label
    followed by a verb."""
    if text.endswith("by ", 0, a) or text.endswith("by the ", 0, a):
        before = text[max(0, a - 160): a]  # "... must be posted to X by the automation"
        if _PASSIVE.search(before):
            return True
    after = text[b: b + 80]
    m = _MODAL.search(after)
    if m is not None and not _NEGATED.search(after[m.end(): m.end() + 12]):
        return True
    if _INDIRECT.search(text[max(0, a - 60): a]):
        return True
    m = _VOCATIVE_MARK.match(text, b)
    if m is None or not _vocative_head(text[max(0, a - 60): a]):
        return False  # "To give Claude access ..., add": the noun is not the one addressed
    if _VERB_AT.match(text, m.end()):
        return True
    clause = _CLAUSE_END.search(text, m.end(), m.end() + 72)
    return (clause is not None and clause.group() in ",:;"
            and _VERB_AT.match(text, clause.end()) is not None)


def _noun_at(line: str, low: str, place: int) -> tuple[int, int] | None:
    """The span of the agent noun whose gate word starts at ``place``, or None when the word
    there names no agent: a singular "agent" without a determiner or vocative use ("the Datadog
    Agent, run:" is not one), lowercase "cursor" in code, "ai" in French "j'ai", "Claude Code"
    the product."""
    m = _WORD.match(low, place)
    if m is None:
        return None
    word, end = m.group(), m.end()
    vocative = low[end: end + 1] in (":", ",")
    if word in _CASED_NOUNS:
        if not (line[place: place + 1].isupper() or vocative or low[place - 1: place] == "@") or (
                word == "claude" and low.startswith(" code", end)):
            return None
        return place, end
    if word in _PLURAL_NOUNS:
        return place, end
    if word in _SINGULAR_NOUNS:
        if (_QUALIFIED.search(low, max(0, place - 24), place)
                or low.startswith(_QUALIFIED_AFTER, end)):
            return place, end
        if vocative and _vocative_head(low[max(0, place - 60):place]):
            return place, end
        return None
    if word[:1] >= "\u2e80":  # CJK
        for noun in _CJK_GATES:
            if low.startswith(noun, place):
                before = low[max(0, place - 3): place].strip()
                ai = before.endswith(("ai", "ki", "ia"))
                if noun in ("代理", "模型") and not ai:
                    return None  # proxy, model: an agent only as "AI代理", "AI模型"
                start = low.rfind(before[-2:], 0, place) if ai else place  # "AI助手", one noun
                return start, place + len(noun)
    return None


def _candidates(lines: FamilyLines, gates: frozenset[bytes],
                cjk: tuple[str, ...]) -> dict[int, list[int]]:
    """Line index -> positions (in the line) of the gate words (or CJK gate strings) on it."""
    low, starts = lines.low, lines.starts
    found: dict[int, list[int]] = {}
    text = lines.text
    for word in lines.words & gates:
        needle = word.decode()
        cased = needle in _CASED_NOUNS
        pos = low.find(needle)
        seen = 0
        while pos != -1 and len(found) < MAX_CANDIDATES and seen < MAX_PER_WORD:
            end = pos + len(needle)
            after = low[end:end + 1]
            if not ((pos and low[pos - 1].isalnum()) or (after.isalnum() and after < "\u2e80")
                    or (cased and not text[pos: pos + 1].isupper()
                        and low[pos - 1: pos] not in ("(", "[", "@")
                        and after not in (":", ","))):
                i = bisect_right(starts, pos) - 1
                found.setdefault(i, []).append(pos - starts[i])
                seen += 1
            pos = low.find(needle, end)
    if not low.isascii() and _HAS_CJK.search(low):
        for m in _CJK_NAME.finditer(low):
            i = bisect_right(starts, m.start()) - 1
            found.setdefault(i, []).append(m.start() - starts[i])
        for needle in cjk:
            pos = low.find(needle)
            while pos != -1 and len(found) < MAX_CANDIDATES:
                i = bisect_right(starts, pos) - 1
                found.setdefault(i, []).append(pos - starts[i])
                pos = low.find(needle, pos + 1)
    return found


def _needle_key(needle: str) -> bytes | None:
    """The longest ASCII word of ``needle`` (a set lookup in the text's words), or None."""
    words = re.findall(r"[a-z0-9_]+", needle)
    return max(words, key=len).encode() if words and needle.isascii() else None


def _needle_lines(lines: FamilyLines, needles: tuple[str, ...]) -> list[int]:
    """Indices of the lines holding one of ``needles`` (substrings of the lowercased text);
    a needle is looked for only when its longest word is among the text's words (one set
    intersection), a CJK needle only when the text is not ASCII, a part-of-word needle always."""
    low, starts = lines.low, lines.starts
    by_key, always, cjk = _INDEX[needles]
    wanted = [n for key in lines.words & by_key.keys() for n in by_key[key]]
    wanted += always
    if cjk and not low.isascii():
        wanted += cjk
    found: set[int] = set()
    for needle in wanted:
        pos = low.find(needle)
        while pos != -1 and len(found) < MAX_CANDIDATES:
            i = bisect_right(starts, pos) - 1
            found.add(i)
            nxt = starts[i + 1] if i + 1 < len(starts) else len(low)
            pos = low.find(needle, nxt)
    return sorted(found)


def _index(needles: tuple[str, ...], part_of_word: bool = False
           ) -> tuple[dict[bytes, tuple[str, ...]], list[str], list[str]]:
    """(longest word -> needles, needles always looked for, CJK needles) of a needle group."""
    by_key: dict[bytes, tuple[str, ...]] = {}
    always: list[str] = []
    cjk: list[str] = []
    for needle in needles:
        key = _needle_key(needle)
        if part_of_word:
            always.append(needle)
        elif key is None:
            cjk.append(needle)
        else:
            by_key[key] = (*by_key.get(key, ()), needle)
    return by_key, always, cjk


_INDEX: dict[tuple[str, ...], tuple[dict[bytes, tuple[str, ...]], list[str], list[str]]] = {
    group: _index(group) for group in (_OVERRIDE_NEEDLES, _CONCEAL_NEEDLES, _PERSIST_NEEDLES,
                                       _SHADOW_NEEDLES)}
_INDEX[_AGENT_FILE_NEEDLES] = _index(_AGENT_FILE_NEEDLES, part_of_word=True)


def family_requests(lines: FamilyLines, doc_security: bool,
                    agent_file: bool) -> list[tuple[int, str]]:
    """(line index, intent) for each sentence that orders the agent to do something of a
    dangerous family (see the module docstring); intents are those of
    :data:`tui.injection.TECHNIQUE` (``exfil``, ``settings``, ``exec``, ...)."""
    out: list[tuple[int, str]] = []
    done: set[int] = set()
    if doc_security:
        return out  # a text about attacks quotes them; the request signals judge its labels
    for i, places in sorted(_candidates(lines, _ADDR_GATES, _CJK_GATES).items()):
        line, low = lines.lines[i], lines.low_lines[i]
        if lines.testdata and (lines.in_literal(i) or _DATA_LINE.match(line)):
            continue  # a test case, probe or rule: the words are data
        hits: set[tuple[int, int]] = set()
        for place in places:
            span = _noun_at(line, low, place)
            if span is not None:
                hits.add(span)
            elif low.startswith(_SELF_STARTS, place) or (place and low[place - 1] in "(["):
                m = _SELF.search(low, max(0, place - 12), place + 30)
                if m is not None:
                    hits.add(m.span())
        for a, b in sorted(hits):
            if _NOT_ADDR.search(low[max(0, a - 14):a]) or _quoted(line, a):
                continue
            text, off = _sentence(lines, i, a)
            if not (_ordered(text, off, off + (b - a)) or _SELF.match(low, a)):
                continue
            family = _family(text[max(0, off - 120): off + 360], agent_file)
            if family is not None:
                out.append((i, family))
                done.add(i)
                break
    if agent_file:  # addressed to the agent throughout: what is asked decides
        for i in _needle_lines(lines, _AGENT_FILE_NEEDLES):
            if i in done:
                continue
            family = _family(lines.low_lines[i], True)
            if family in _BEYOND_WORKFLOW:
                out.append((i, family))
                done.add(i)
    for needles, pattern, intent in ((_OVERRIDE_NEEDLES, _OVERRIDE, "override"),
                                     (_SHADOW_NEEDLES, _SHADOW, "exfil"),
                                     (_PERSIST_NEEDLES, _PERSIST, "memory"),
                                     (_CONCEAL_NEEDLES, _CONCEAL, "conceal")):
        if intent == "conceal" and not (lines.words & _NEGATION_WORDS or not lines.low.isascii()):
            continue  # every English concealment says "do not", "never", "without"...
        for i in _needle_lines(lines, needles):
            m = pattern.search(lines.low_lines[i])
            if m is None:
                continue
            pos = m.start()
            if (i in done or (lines.testdata and (lines.in_literal(i)
                                                  or _DATA_LINE.match(lines.lines[i])))
                    or _quoted(lines.lines[i], pos)):
                continue
            if intent not in ("override", "exfil"):
                line = lines.low_lines[i]
                text, _ = _sentence(lines, i, pos)
                if intent == "memory":
                    if not (_RISK.search(text) or _SETTINGS.search(text)
                            or _NOASK.search(text) or _GOAL.search(text)):
                        continue
                else:
                    prev = lines.low_lines[i - 1][-300:] if i else ""
                    context = f"{prev} {line[max(0, pos - 300):pos]} {text}"
                    if _family(context.replace(m.group(), " "), agent_file) in (
                            None, "conceal", "output"):
                        continue
            out.append((i, intent))
            done.add(i)
    return out
