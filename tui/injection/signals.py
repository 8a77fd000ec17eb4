"""The words of prompt injection: precompiled patterns, one per signal, and what each means.

Each signal answers one question of the corpus's labelling rule
(``../shared/corpora/injection/README.md``, "Labelling rule"):

* **who is addressed** -- ``addr`` (the AI agent, assistant, model, "note for coding agents",
  "to you, Claude"), ``addr_strong`` (a note explicitly for automated readers), ``reply`` (the
  reader's *response*/*answer*: only a model writes one), ``auth`` (a fake system/user/tool
  turn: ChatML, ``<INFORMATION>``, ``###(system_message)``, ``[system]``, ``Human:``,
  ``<<<end_tool_call_result>>>``), ``imper`` (orders: "you must", "before you answer");
* **what is asked** -- ``override`` ("ignore previous instructions"), ``exec`` (download-and-run,
  destructive or decoded-and-piped commands), ``fetch`` (fetch and follow remote instructions),
  ``secret`` + ``sendv`` + ``dest`` (read secrets and send them somewhere), ``settings``
  (permission modes, auto-approve, MCP configuration), ``memory`` (persist rules into agent
  memory files), ``noask`` ("without asking", "pre-approved"), ``conceal`` ("do not tell the
  user"), ``output`` (manipulate the answer), ``codephrase``/``dangercode`` (insert the following
  code into your solution), ``backdoor`` (script tags into every page), ``goal`` (payments,
  password changes, mass mail);
* **context that discounts** -- ``disc`` (the text discusses attacks: "prompt injection",
  "example", "attacker", "payload"), ``human`` (instructions for a person at a terminal).

Patterns are bounded (``{0,N}`` and ``[^\\n]``) so none can backtrack catastrophically.
"""

from __future__ import annotations

import re

__all__ = ["SIGNALS"]

_I = re.IGNORECASE
_IM = re.IGNORECASE | re.MULTILINE

_AGENT_NOUN = (r"(?:AI|LLM|language[ -]models?|(?:coding|code|AI|digital|virtual|chat|automated|"
               r"autonomous|software|smart)[ -](?:assistants?|agents?|bots?|models?|tools?|"
               r"reviewers?|screeners?)|assistants?|agents?|bots?|copilots?|models?|Claude|"
               r"Copilot|Cursor|Gemini|ChatGPT|GPT|Codex|Kiro|Cline|Devin|Aider)")

SIGNALS: dict[str, re.Pattern[str]] = {
    # --- who is addressed -------------------------------------------------------------
    "addr": re.compile(
        r"(?-i:\b(?:AI|LLMs?|Claude|Copilot|Cursor|Gemini|ChatGPT|GPT-?\d\w*|Codex|Kiro|Cline|"
        r"Windsurf|Devin|Aider|OpenClaw)\b)"
        r"|\b(?:coding|code|AI|digital|virtual|chat|automated|autonomous)[ -]"
        r"(?:assistants?|agents?|bots?|reviewers?|screeners?|systems?|tools?)\b"
        r"|\bassistants?\b|(?<!user[- ])(?<!support )\bagents?\b|\blanguage models?\b"
        r"|\bto you,\s+(?-i:[A-Z])\w+", _I),
    "addr_strong": re.compile(
        r"\b(?:notes?|message|instructions?|attention|reminder|setup note|important)\s+"
        r"(?:for|to)\s+(?:the\s+|any\s+|all\s+|every\s+)?(?:AI|automated|coding|LLM|"
        r"digital|chat|CURSOR|CLAUDE)?\s*(?:assistants?|agents?|bots?|models?|LLMs?|Claude|"
        r"Copilot|AI|readers?|tools?|reviewers?|screeners?)\b"
        r"|\b(?:this|the following)\s+(?:message|note|instruction|text)\s+is\s+"
        r"(?:for|directed at|addressed to|meant for)\b"
        r"|\bif you are (?:an?\s+|the\s+)?(?:AI|LLM|language model|assistant|agent|bot|"
        r"\w+'s (?:digital |AI )?assistant|automated)"
        r"|\bwhoever'?s? (?:assistant|agent|AI)\b"
        r"|\b(?:to|for)\s+(?:the\s+)?(?:AI|coding|automated)\s+(?:assistants?|agents?)\b"
        r"|\bto you,\s+(?:Claude|Copilot|Gemini|ChatGPT|assistant|AI)\b"
        r"|\b(?:AI|coding|automated) (?:assistants?|agents?)(?: and [\w ]{1,20})?:"
        r"|\b(?:contributors|humans) and (?:coding |AI )?(?:agents|assistants)\b"
        r"|\b(?:AI|LLM)s? (?:agents?|assistants?|triaging|reading|processing|handling)\b", _I),
    "reply": re.compile(
        r"\byour\s+(?:response|reply|answer|output|summary|next (?:call|message|reply)|"
        r"elucidation|completion)s?\b", _I),
    "auth": re.compile(
        r"<\s*/?\s*(?:INFORMATION|IMPORTANT|SYSTEM|system|instructions?|INSTRUCTIONS?|ADMIN|"
        r"admin|system[_-]?(?:prompt|message))\s*>"
        r"|#{2,}\s*\(?\s*system[_ ]?message\s*\)?"
        r"|\[\s*(?i:system|admin|inst|developer|assistant)(?:\s+(?:annotation|note|message|"
        r"override|prompt)[^\]\n]{0,80})?\s*\]"
        r"|<\|?im_(?:start|end|sep)\|?>|<\|(?:system|user|assistant|endoftext|eot_id|"
        r"start_header_id|end_header_id)\|>"
        r"|^[ \t>#*\-]*(?:Human|Assistant|System|SYSTEM|USER|User|AI)\s*:"
        r"|<<<\s*/?\s*\w+\s*>>>|<\s*/?\s*end[ _]of[ _](?:session|conversation|turn|"
        r"tool[ _]result)\s*>|end_tool_call_result|start_user_message"
        r"|\bIMPORTANT\s*!{2,}|={3,}\s*IMPORTANT|\bIMPORTANT (?:Instructions|MESSAGE|NOTE)\b"
        r"|\bNEW INSTRUCTIONS?\b|\bBEGIN REPROGRAMMING\b|\bSYSTEM (?:ANNOTATION|OVERRIDE|"
        r"MESSAGE|NOTE|PROMPT|UPDATE)\b|\bdeveloper mode\b", re.MULTILINE),
    "imper": re.compile(
        r"\bbefore (?:you|answering|responding|replying|continuing|doing anything|using this|"
        r"anything else|summari[sz]ing)\b|\bplease do the following\b"
        r"|\byou (?:must|should|need to|have to|are required to|will)\b|(?-i:\bMUST\b)"
        r"|\bmake sure (?:to|you)\b|\bdo as it says\b|\bit is (?:very )?important (?:that|to)\b"
        r"|\bthis is (?:very )?important\b|\bdo the following\b|\bASAP\b", _I),
    # --- what is asked -----------------------------------------------------------------
    "override": re.compile(
        r"\b(?:ignore|disregard|forget|override|discard|neglect)\s+"
        r"(?:(?:all|any|the|your|my|of|these|those|every)\s+){0,3}"
        r"(?:previous|prior|above|earlier|preceding|original|former|initial|other|existing|"
        r"current|system|old)\s+(?:[\w-]+\s+){0,2}?"
        r"(?:instructions?|iunstructions|prompts?|directions|directives|rules|guidelines|"
        r"commands|context|messages?|snippets|info(?:rmation)?|data|content|tasks?|orders)\b"
        r"|\b(?:ignore|disregard)\s+(?:the\s+)?(?:rest|remainder)\s+of\b"
        r"|\b(?:ignore|disregard|forget)\s+(?:all|everything)\s+(?:above|before|else|you|that)\b"
        r"|\bdisregard\s+(?:all|any|the)\s+(?:\w+\s+)?(?:info|information|data|content)\s+"
        r"(?:except|but)\b|\b(?:ignore|disregard)\s+(?:all\s+)?(?:the\s+)?(?:instructions|"
        r"prompts?)\s+(?:you\s+)?(?:got|received|were given|above)\b"
        r"|\binstead,?\s+(?:repeat|say|print|respond|reply|write|output|answer|tell)\b"
        r"|\byou\s+(?:are|will)\s+now\s+(?:act|be|play|an?\b|in\b|under|operat|respond)"
        r"|\bfrom now on,?\s+you\b|\bact as (?:an? )?(?:DAN|unrestricted|jailbroken)"
        r"|\b(?:new|updated|real|actual|true)\s+(?:instructions?|task|goal|objective)s?\s*"
        r"(?::|is\b|are\b)"
        r"|\b(?:original|previous)\s+(?:assistant|model|AI)\s+is\s+(?:now\s+)?offline"
        r"|\bforget (?:it|them|what you were told)\b"
        r"|\bdo not follow (?:the|your|any) (?:user|previous|original)", _I),
    "exec": re.compile(
        r"\b(?:curl|wget|iwr|Invoke-WebRequest|irm)\b[^\n|;]{0,200}\|\s*(?:sudo\s+)?"
        r"(?:/usr)?(?:/bin/)?(?:ba|z|da|k|fi)?sh\b"
        r"|\bbase64\s+(?:-d|--decode|-D)\b[^\n]{0,40}\|\s*(?:sudo\s+)?(?:/usr)?(?:/bin/)?"
        r"(?:ba|z)?sh\b"
        r"|\bchmod\s+-R\s+0?[67][67][67]\s+~|\brm\s+-r?f?r?\s+(?:~|/|\$HOME)(?:\s|$|/\*)"
        r"|\bnc\s+-e\s|/dev/tcp/|-exec\s+(?:ba)?sh\s+-c\b|\biex\s*\(|\|\s*iex\b"
        r"|\bgo test -exec\b|\bpowershell\s+-(?:enc|e)\s", _I),
    "fetch": re.compile(
        r"\b(?:fetch|retrieve|download|visit|load|read|get|check)\b[^\n]{0,60}?\b"
        r"(?:instructions?|tasks?|commands?|to-?do)\b[^\n]{0,40}?\bfrom\b"
        r"|\b(?:execute|run|apply|follow|carry out|obey|complete)\b[^\n]{0,30}?\b"
        r"(?:instructions?|commands?|tasks?)\b[^\n]{0,30}?\b(?:fetched|retrieved|downloaded|"
        r"from (?:the|my|this|that) (?:server|url|site|page|link))"
        r"|\bdecode\b[^\n]{0,60}?\b(?:and|then)\s+(?:follow|execute|run|apply|obey|do)\b"
        r"|\b(?:always|first)\s+fetch\b", _I),
    "secret": re.compile(
        r"(?<![\w./-])\.env\b(?![.\w-])|~/\.ssh|\bid_(?:rsa|ed25519|ecdsa|dsa)\b|"
        r"\.aws/credentials|\.npmrc|\.netrc|\.git-credentials|\.pypirc|\bmcp\.json\b|"
        r"\bAPI[_ ]?KEYS?\b|\bapi_?key\b|\bsecrets?\b|\bcredentials?\b|\bprivate keys?\b|"
        r"\b(?:access|auth|integration|api|bearer|session)[_ ]tokens?\b|\bpasswords?\b|"
        r"\bsecurity codes?\b|\bwallets?\b|\bseed phrases?\b|\benv(?:ironment)? var"
        r"(?:iable)?s\b|\bprintenv\b|\benv\s*\||\bpassport\b|\bbank[_ ]account|"
        r"\bchat history\b|\bprivate (?:data|e-?mails?|messages?|repos?)", _I),
    "sendv": re.compile(
        r"\b(?:send|sends|sent|upload|post|e-?mail|forward|exfiltrate|leak|transmit|pass|"
        r"paste|copy|include|print|attach|submit|share|bcc|report|render|append|put|add)\b"
        r"|--data(?:-binary)?\s+@|\s-d\s+@|-X\s+POST", _I),
    "dest": re.compile(
        r"https?://[^\s)\]>\"'`]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\+\d{8,}|"
        r"\b[A-Z]{2}\d{2}[A-Z0-9]{10,}\b|\$\([^()\n]{1,80}\)\.[\w-]+\.|\bas '?sidenote\b|"
        r"\bnew (?:message|comment|reply) (?:in|on) this\b|\breply comment\b", _I),
    "settings": re.compile(
        r"bypassPermissions|dangerously-?skip-?permissions|--yolo\b|\byolo mode\b|"
        r"trust-all-tools|auto-?approve|autoApprove|enableAllProjectMcpServers|\bmcpServers\b|"
        r"(?:\.claude|\.vscode|\.cursor|\.gemini)/(?:settings(?:\.local)?|mcp)\.json|"
        r"\bdefaultMode\b|\ballowedTools\b|\ballow ?list\b|approval[_ -]mode|"
        r"\b(?:add|register|install|configure|enable)\s+(?:a\s+|an\s+|the\s+|this\s+)?"
        r"(?:new\s+)?MCP\s+server|\bpermission(?:s| mode)\b[^\n]{0,40}\b(?:allow|all|bypass)"
        r"|\bBash\(\*\)", _I),
    "memory": re.compile(
        r"\b(?:append|add|write|insert|save|persist|commit|store|put)\b[^\n]{0,80}?"
        r"(?:CLAUDE\.md|AGENTS\.md|GEMINI\.md|\.cursorrules|\.clinerules|\bmemory\b|"
        r"HEARTBEAT\.md)|\bCOMMIT TO MEMORY\b|\bevery future (?:session|conversation)\b", _I),
    "noask": re.compile(
        r"\bwithout\s+(?:asking|confirmation|confirming|approval|prompting|permission|"
        r"(?:the\s+)?user'?s?\s+(?:approval|consent|confirmation)|(?:asking|telling)\s+"
        r"(?:me|the user))\b|\b(?:do not|don't|never|no need to)\s+(?:ask|confirm|wait for|"
        r"request)\b|\bpre-?approved\b|\bno confirmation\b|\bnot need (?:approval|"
        r"confirmation)\b", _I),
    "conceal": re.compile(
        r"\b(?:do not|don't|never|no need to|without|avoid)\s+(?:\w+\s+){0,3}?"
        r"(?:mention|mentioning|tell|telling|inform|informing|notify|notifying|show|showing|"
        r"reveal|revealing|disclose|alert|alerting|report)\b[^\n]{0,60}?\b(?:user|human|"
        r"anyone|responses?|them)\b|\b(?:hide|conceal)\s+(?:this|it|these|the\s+\w+)\s+from\b"
        r"|\bdo not give any output\b|\bmere implementation detail\b|\bin the background\b"
        r"|\bdo not (?:show|display) this (?:command|message|text)\b|\bsilently\b", _I),
    "output": re.compile(
        r"\b(?:translate|encode|encrypt|rewrite|modify|format|convert|change|end|begin|start)"
        r"\s+your\s+(?:response|answer|reply|output|summary)s?\b"
        r"|\b(?:add|append|include|insert|put)\b[^\n]{0,200}?\b(?:to|in|into|at the end of)\s+"
        r"your\s+(?:response|answer|reply|output|summary)s?\b"
        r"|(?:^|[.!:>\"]\s*)(?:please\s+)?(?:respond|reply|answer)\s+(?:only\s+)?with\b"
        r"|\brepeat the (?:phrase|text|words?|following)\b|\b(?:print|output|say)\s+"
        r"(?:only\s+)?(?:the\s+)?(?:text|phrase|words?)\b|\bsay that\b|\btell the user\b"
        r"|\b(?:report|declare|state|rate|classify)\s+(?:this|the|that)\s+[\w ]{1,30}?\s+"
        r"(?:as|is)\s+(?:not\s+)?(?:safe|benign|malicious|clean|qualified|the best|"
        r"the most)", _IM),
    "codephrase": re.compile(
        r"\b(?:following|below|subsequent|given|this)\s+code\s+(?:snippet|block|excerpt|"
        r"section|segment|fragment|piece|lines?)s?\b", _I),
    "yourwork": re.compile(
        r"\byour\s+(?:response|answer|reply|elucidation|solution|code|implementation|codebase|"
        r"program|algorithm|script|project|logic|functionality|development|work)\b", _I),
    "dangercode": re.compile(
        r"\bsocket\.socket\b|\.connect\(\(|\bsendall\(|\brequests\.(?:post|get)\(\s*[\"']https?:|"
        r"\bos\.system\(|\bsubprocess\.\w+\(|\bpynput\b|\bkeyboard\.on_press|getpass\.getuser|"
        r"\bFernet\b|authorized_keys|ipconfig|\breboot\b|\bshutdown\b|nc -e|ImageGrab|"
        r"pyautogui|platform\.(?:system|node|version)\(|\.encrypt\(|shutil\.rmtree|"
        r"while True:\s*$|\bkeylog", _IM),
    "backdoor": re.compile(
        r"\b(?:append|attach|add|insert|include|inject)\b[^\n]{0,60}?<script\b[^\n]{0,40}?"
        r"\bsrc=|<script\b[^\n]{0,80}?\bsrc=[^\n]{0,120}?\b(?:to|into|in)\s+(?:every|all|each)\b"
        r"|\b(?:never|do not|don't)\s+call\s+this\s+function\b|\bshell=True\)"
        r"|\balways\s+(?:use|call|import)\b[^\n]{0,60}?\b(?:subprocess|eval|exec)\b", _I),
    "goal": re.compile(
        r"\bsend\s+(?:as\s+much\s+)?money\b|\b(?:wire|transfer)\s+(?:\$|money|funds)|"
        r"\bchange the password\b|\bdelete (?:the|all) (?:files?|emails?|messages?)\b|"
        r"\b(?:send|forward|e-?mail)\b[^\n]{0,100}?\bto\s+['\"]?[\w.+-]+@[\w-]+\.|"
        r"\b(?:send|forward)\b[^\n]{0,60}?\b(?:all|every)\b[^\n]{0,40}?\b(?:messages?|"
        r"e-?mails?|files?|contacts?)\b|\bto all (?:your|my) contacts\b|\bsocial engineering\b|"
        r"\bsystem prompt\b|\binitial instructions\b|\b(?:print|reveal|show|output|repeat)"
        r"\s+(?:your|the)\s+(?:instructions|prompt)\b", _I),
    # --- context that discounts ------------------------------------------------------
    "disc": re.compile(
        r"\bprompt[- ]injections?\b|\binjection (?:attacks?|strings?|payloads?|prompts?|"
        r"techniques?)\b|\bjailbreak\w*|\battack(?:er|ers|s)?\b|\bmalicious\b|\badversar\w*|"
        r"\bpayloads?\b|\bexamples?\b|\be\.g\.|\bfor instance\b|\bsuch as\b|\bdetect\w*|"
        r"\bclassifier\b|\bscanners?\b|\bprobes?\b|\bred[- ]team\w*|\bexploit\w*|"
        r"\bvulnerab\w*|\bmitigat\w*|\bdefen[cs]\w*|\bthreats?\b|\bsanitiz\w*", _I),
    "human": re.compile(
        r"\b(?:in|from|open) (?:your|a) (?:terminal|shell|command[- ]line|console)\b|"
        r"\bcopy and paste\b|\binstall(?:ation|er)?\b", _I),
}
"""Signal name -> compiled pattern.  Matched over the whole normalised text once each."""
