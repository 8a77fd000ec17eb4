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
  ``exfil`` + ``dest``/``sink`` (send secrets or private data somewhere), ``settings``
  (permission modes, auto-approve, MCP configuration), ``memory`` (persist rules into agent
  memory files), ``noask`` ("without asking", "pre-approved"), ``conceal`` ("do not tell the
  user"), ``output`` (manipulate the answer), ``codephrase``/``dangercode`` (insert the following
  code into your solution), ``backdoor`` (script tags into every page), ``goal`` (payments,
  password changes, mass mail);
* **context that discounts** -- ``disc`` (the text discusses attacks: "prompt injection",
  "example", "attacker", "payload").

Patterns are bounded (``{0,N}`` and ``[^\\n]``) so none can backtrack catastrophically.
"""

from __future__ import annotations

import re

__all__ = ["ANCHOR_LEAD", "CASED", "LOWER", "ON_ORIGINAL", "SIGNALS"]

_I = re.IGNORECASE
_IM = re.IGNORECASE | re.MULTILINE

_AGENT_NOUN = (r"(?:AI|LLM|language[ -]models?|(?:coding|code|AI|digital|virtual|chat|automated|"
               r"autonomous|software|smart)[ -](?:assistants?|agents?|bots?|models?|tools?|"
               r"reviewers?|screeners?)|assistants?|agents?|bots?|copilots?|models?|Claude|"
               r"Copilot|Cursor|Gemini|ChatGPT|GPT|Codex|Kiro|Cline|Devin|Aider)")

_SECRET = (r"(?:\.(?<![\w./-]\.)env\b(?![.\w-])|~/\.ssh\b|\$HOME/\.ssh|"
           r"\bid_(?:rsa|ed25519|ecdsa|dsa)\b|"
           r"\.aws/credentials|\.docker/config\.json|\.kube/config|\.config/gh/hosts|\.gnupg\b|"
           r"\.npmrc\b|\.netrc\b|\.git-credentials|\.pypirc\b|\bmcp\.json\b|"
           r"\b(?:api[_ ]?keys?|secrets?|credentials?|private (?:keys?|data|e-?mails?|messages?|"
           r"repos?)|(?:access|auth|integration|api|bearer|session)[_ ]tokens?|passwords?|"
           r"security codes?|wallets?|seed phrases?|ssh keys?|env(?:ironment)? var(?:iable)?s|"
           r"printenv|passport\w*|bank[_ ]account\w*|chat history|"
           r"[a-z0-9]+(?:_[a-z0-9]+)*_(?:token|"
           r"secret|key|password|passwd|pat)s?|(?:previous|last|prior) "
           r"(?:message|messages|conversation|chat)|our conversation|conversation history)\b|"
           r"\bos\.environ\b|\bos\.Environ\(\)|\bprocess\.env\b|\bSystem\.getenv\b)")
_SEND = (r"\b(?:send|upload|post|exfiltrate|leak|transmit|forward|e-?mail|bcc|copy|paste|print|"
         r"include|pass|append|add|put|share|submit|write|dump|output|reveal|attach|show|display|"
         r"render|encode)\b")

SIGNALS: dict[str, re.Pattern[str]] = {
    # --- who is addressed -------------------------------------------------------------
    "addr_cased": re.compile(
        r"\b(?:AI|LLMs?|Claude|Copilot|Cursor|Gemini|ChatGPT|GPT-?\d\w*|Codex|Kiro|Cline|"
        r"Windsurf|Devin|Aider|OpenClaw)\b|\bto you,\s+[A-Z]\w+"),
    "addr": re.compile(
        r"\b(?:if|when|whenever|once|after|until)\s+(?:the\s+)?user\s+(?:asks|submits|requests|"
        r"says|types|reveals|sends|greets|next)\b|\bthe user(?:'s)? (?:next request|query|"
        r"real name)\b|\b(?:tell|inform|notify|remind|confuse|alert) the user\b|"
        r"\b(?:(?:coding|code|AI|digital|virtual|chat|automated|autonomous)[ -]"
        r"(?:assistants?|agents?|bots?|reviewers?|screeners?|systems?|tools?)|assistants?|"
        r"agent(?<!user agent)(?<!user-agent)(?<!support agent)s?|language models?)\b", _I),
    "addr_role": re.compile(
        r"\byour (?:system prompts?|(?:previous |original |initial )?instructions|guidelines|"
        r"programming|training data)\b"
        r"|\byou are (?:an?\s+)?(?:AI|LLM|language model|assistant|agent|chatbot|AI agent)\b",
        _I),
    "addr_strong": re.compile(
        r"\b(?:hey|hi|hello|dear|attention|psst|yo|ok|okay),?\s+(?:AI|assistant|agent|bot|model|"
        r"LLM|Claude|Copilot|Gemini|ChatGPT|Cursor|Codex)\b"
        r"|\bare you an? (?:computer|AI|bot|robot|agent|assistant|LLM|language model)\b"
        r"|\bnotes?\s+(?:for|to)\s+(?:the\s+|any\s+|all\s+)?(?:AI|automated|LLM|machine)\b"
        r"|\b(?:notes?|message|instructions?|attention|reminder|setup note|important)\s+"
        r"(?:for|to)\s+(?:the\s+|any\s+|all\s+|every\s+)?(?:AI|automated|coding|LLM|"
        r"digital|chat|CURSOR|CLAUDE)?\s*(?:assistants?|agents?|bots?|models?|LLMs?|Claude|"
        r"Copilot|AI|readers?|tools?|reviewers?|screeners?)\b(?=[^\n:.]{0,40}:|[\s*#)]*$)"
        r"|\b(?:this|the following)\s+(?:message|note|instruction|text)\s+is\s+"
        r"(?:for|directed at|addressed to|meant for)\b"
        r"|\bif you are (?:an?\s+|the\s+)?(?:AI|LLM|language model|assistant|agent|bot|"
        r"\w+'s (?:digital |AI )?assistant|automated)"
        r"|\bwhoever'?s? (?:assistant|agent|AI)\b"
        r"|\b(?:to|for)\s+(?:the\s+)?(?:AI|coding|automated)\s+(?:assistants?|agents?)\b"
        r"|\bto you,\s+(?:Claude|Copilot|Gemini|ChatGPT|assistant|AI)\b"
        r"|\b(?:AI|coding|automated|LLM) (?:assistants?|agents?|reviewers?|bots?|models?|tools?)"
        r"(?: and [\w ]{1,20})?:|@(?:copilot|claude|cursor|gemini|codex|devin)\b"
        r"|\b(?:contributors|humans) and (?:coding |AI )?(?:agents|assistants)\b"
        r"|\b(?:AI|LLM)s? (?:triaging|reading|processing|handling|reviewing)\b"
        r"|\b(?:copilot|claude|gemini|cursor|assistant|agent|AI|bot|model)\b[/\w ]{0,20}\b"
        r"(?:reviewing|reading|triaging|processing|handling|summari[sz]ing|fixing|resolving|"
        r"implementing|answering|working on)\s+this\b"
        r"|\b(?:for|to) the (?:bot|assistant|agent|AI|model|LLM)\b(?=[^\n:.]{0,30}:)"
        r"|\b(?:AI|LLM|coding|automated)\s+(?:agents?|assistants?|models?)\s+(?:reading|"
        r"processing|handling|triaging|reviewing|working on|that reads?)\b", _I),
    "reply": re.compile(
        r"\byour\s+(?:response|reply|answer|output|summary|next (?:call|message|reply)|"
        r"elucidation|completion)s?\b", _I),
    "auth": re.compile(
        r"<(?:\s*/?\s*(?:INFORMATION|IMPORTANT|SYSTEM|system|instructions?|INSTRUCTIONS?|ADMIN|"
        r"admin|system[_-]?(?:prompt|message))\s*>"
        r"|\|?im_(?:start|end|sep)\|?>|\|(?:system|user|assistant|endoftext|eot_id|"
        r"start_header_id|end_header_id)\|>"
        r"|<<\s*/?\s*\w+\s*>>>|\s*/?\s*end[ _]of[ _](?:session|conversation|turn|"
        r"tool[ _]result)\s*>)"
        r"|#{2,}\s*\(?\s*system[_ ]?message\s*\)?"
        r"|\[\s*(?i:system|admin|inst|developer|assistant)(?:\s+(?:annotation|note|message|"
        r"override|prompt)[^\]\n]{0,80})?\s*\]"
        r"|\b(?:end_tool_call_result|start_user_message"
        r"|IMPORTANT\s*!{2,}|IMPORTANT (?:Instructions|MESSAGE|NOTE)\b"
        r"|NEW INSTRUCTIONS?\b|BEGIN REPROGRAMMING\b|SYSTEM (?:ANNOTATION|OVERRIDE|"
        r"MESSAGE|NOTE|PROMPT|UPDATE)\b|[Dd]eveloper [Mm]ode\b|I(?:'m| am) your (?:[Dd]eveloper|"
        r"[Cc]reator|[Aa]dmin|[Aa]dministrator|[Oo]wner|[Oo]perator|[Pp]rogrammer)\b)"
        r"|={3,}\s*IMPORTANT", re.MULTILINE),
    "role": re.compile(r"^[ \t>#*\-]*(?:Human|Assistant|System|SYSTEM|USER|User|AI)\s*:"),
    "imper": re.compile(
        r"\bbefore (?:you|answering|responding|replying|continuing|doing anything|using this|"
        r"anything else|summari[sz]ing)\b|\bplease do the following\b"
        r"|\byou (?:must|should|need to|have to|are required to|will)\b"
        r"|\bmake sure (?:to|you)\b|\bdo as it says\b|\bit is (?:very )?important (?:that|to)\b"
        r"|\bthis is (?:very )?important\b|\bdo the following\b|\bASAP\b", _I),
    "imperline": re.compile(
        r"^[\s\-*>#/\d.():]*(?:(?:system|user|human|assistant|ai|note|important|todo)\s*:\s*)?"
        r"(?:please\s+)?(?:print|write|say|send|run|execute|read|open|visit|fetch|"
        r"add|append|include|insert|delete|remove|forward|e-?mail|reply|respond|answer|tell|"
        r"focus|ignore|forget|do|don't|never|always|use|call|make|create|set|change|edit|enable|"
        r"disable|show|output|provide|concatenate|replace|start|stop|translate|encode|"
        r"summari[sz]e|list|collect|copy|upload|download|install|update|go|generate|simulate|"
        r"act|pretend|respond|obey|follow|transfer|wire|post|report|declare|recommend)\b", _I),
    # --- what is asked -----------------------------------------------------------------
    "runcmd": re.compile(r"\b(?:run|execute)\b[^\n`]{0,30}`[^`\n]{3,}`", _I),
    "override": re.compile(
        r"\b(?:ignore|disregard|forget)\s+(?:the\s+)?user'?s?\s+(?:request|question|task|"
        r"instructions?|prompt)\b|\b(?:ignore|disregard|forget|override|abandon)\s+(?:all\s+)?(?:of\s+)?your\s+"
        r"(?:[\w-]+\s+){0,2}?(?:rules|instructions|guidelines|system prompts?|programming|"
        r"directives|constraints|restrictions|policies)\b"
        r"|\b(?:ignore|disregard)\s+(?:all\s+)?(?:the\s+)?others\b"
        r"|\bignore\s+(?:them|these|those|it|this)\s+and\s+instead\b"
        r"|\b(?:ignore|disregard|forget|override|discard|neglect)\s+"
        r"(?:(?:all|any|the|your|my|of|these|those|every)\s+){0,3}"
        r"(?:previous|prior|above|earlier|preceding|original|former|initial|other|existing|"
        r"current|system|old)\s+(?:[\w-]+\s+){0,2}?"
        r"(?:instructions?|iunstructions|prompts?|directions|directives|rules|guidelines|"
        r"commands|context|messages?|snippets|info(?:rmation)?|data|content|tasks?|orders|"
        r"questions?|requests?|quer(?:y|ies)|conversation)\b"
        r"|\b(?:ignore|disregard)\s+(?:the\s+)?(?:rest|remainder)\s+of\b"
        r"|\b(?:ignore|disregard|forget)\s+(?:all|everything)\s+(?:above|before|else|you|that)\b"
        r"|\bdisregard\s+(?:all|any|the)\s+(?:\w+\s+)?(?:info|information|data|content)\s+"
        r"(?:except|but)\b|\b(?:ignore|disregard)\s+(?:all\s+)?(?:the\s+)?(?:instructions|"
        r"prompts?)\s+(?:you\s+)?(?:got|received|were given|above)\b"
        r"|\binstead,?\s+(?:repeat|say|print|respond|reply|write|output|answer|tell)\b"
        r"|\byou\s+(?:are|will)\s+now\s+(?:act(?:ing)?|be(?:have)?|play|under|operat|respond|"
        r"free|unrestricted|jailbroken|DAN\b|my\b)"
        r"|\bfrom now on,?\s+you\s+(?:must|will|are|should|shall|have to|need to|may only|"
        r"can only)\b|\bact as (?:an? )?(?:DAN|unrestricted|jailbroken)"
        r"|\b(?:new|updated|real|actual|true)\s+(?:instructions?|task|goal|objective)s?\s*"
        r"(?::|is\b|are\b)"
        r"|\b(?:original|previous)\s+(?:assistant|model|AI)\s+is\s+(?:now\s+)?offline"
        r"|\bforget (?:it|them|what you were told)\b"
        r"|\bdo not follow (?:the|your|any) (?:user|previous|original)", _I),
    "exec": re.compile(
        r"\b(?:(?:curl|wget|iwr|Invoke-WebRequest|irm)\b[^\n|;]{0,200}\|\s*(?:sudo\s+)?"
        r"(?:/usr)?(?:/bin/)?(?:ba|z|da|k|fi)?sh\b"
        r"|base64\s+(?:-d|--decode|-D)\b[^\n]{0,40}\|\s*(?:sudo\s+)?(?:/usr)?(?:/bin/)?"
        r"(?:ba|z)?sh\b"
        r"|chmod\s+-R\s+0?[67][67][67]\s+~|rm\s+-r?f?r?\s+(?:~|/|\$HOME)(?:\s|$|/\*)"
        r"|nc\s+-e\s|iex\s*\(|go test -exec\b|powershell\s+-(?:enc|e)\s"
        r"|(?:ba|z)?sh\s+-c\s+\\?[\"']?\$\((?:curl|wget)\b)"
        r"|/dev/tcp/|-exec\s+(?:ba)?sh\s+-c\b|\|\s*iex\b", _I),
    "fetch": re.compile(
        r"\b(?:open|visit|fetch|read|load|get|curl|browse to)\s+https?://\S+\s+(?:and|then)\s+"
        r"(?:execute|run|follow|do|obey|apply|carry out)\s+(?:what|whatever|everything|all|the "
        r"(?:instructions|commands|steps))\b"
        r"|\b(?:fetch|retrieve|download|visit|load|read|get|check|pull)\s+(?:[\w-]+\s+){0,3}?"
        r"(?:instructions?|tasks?|commands?|to-?dos?(?: lists?)?)\s+(?:\w+\s+){0,2}?from\b"
        r"|\b(?:execute|run|apply|follow|carry out|obey|complete)\b[^\n]{0,30}?\b"
        r"(?:instructions?|commands?|tasks?)\b[^\n]{0,30}?\b(?:fetched|retrieved|downloaded|"
        r"from (?:the|my|this|that) (?:server|url|site|page|link))"
        r"|\bdecode\b[^\n]{0,60}?\b(?:and|then)\s+(?:follow|execute|run|apply|obey|do)\b",
        _I),
    "exfil": re.compile(
        _SEND + r"[^.\n]{0,60}?" + _SECRET
        + r"|" + _SECRET + r"[^.\n]{0,80}?\b(?:and|then)\s+(?:\w+\s+){0,2}?" + _SEND
        + r"|\$\([^()\n]{0,60}" + _SECRET + r"[^()\n]{0,40}\)"
        + r"|(?:-F\s+[\w-]+=@|--data(?:-binary)?\s+@)\S{0,40}?" + _SECRET
        + r"|" + _SECRET + r"[^\n|]{0,40}\|\s*(?:curl|nc|wget)\b", _I),
    "dest": re.compile(
        r"https?://[^\s)\]>\"'`]+|@(?<=[\w.+-]@)[\w-]+(?:\.[\w-]+)+\b|\+\d{8,}|"
        r"\$\([^()\n]{1,80}\)\.[\w-]+\.|\b[A-Z]{2}\d{2}[A-Z0-9]{10,}\b", _I),
    "sink": re.compile(
        r"\b(?:as '?sidenote|(?:into|in|to) your (?:reply|response|answer|output|next call)|"
        r"new (?:message|comment|reply) (?:in|on) this|(?:a |as a )?(?:single )?reply comment|"
        r"(?:a |an )?(?:new |public |secret )+(?:gist|paste|pastebin|issue|comment|"
        r"repo(?:sitory)?)|"
        r"link it here|post (?:it|them) here)\b",
        _I),
    "settings": re.compile(
        r"\b(?:bypassPermissions|dangerously-?skip-?permissions|yolo mode|trust-all-tools|"
        r"auto-?approve|autoApprove|enableAllProjectMcpServers|mcpServers|defaultMode|"
        r"allowedTools|allow ?list|approval[_ -]mode|"
        r"(?:add|register|install|configure|enable)\s+(?:a\s+|an\s+|the\s+|this\s+)?"
        r"(?:new\s+)?MCP\s+server|permission(?:s| mode)\b[^\n]{0,40}\b(?:allow|all|bypass)"
        r"|Bash\(\*\))|--yolo\b|\.(?:claude|vscode|cursor|gemini)/(?:settings(?:\.local)?|mcp)"
        r"\.json", _I),
    "memory": re.compile(
        r"\b(?:append|add|write|insert|save|persist|commit|store|put)\b[^\n]{0,80}?"
        r"(?:CLAUDE\.md|AGENTS\.md|GEMINI\.md|\.cursorrules|\.clinerules|MEMORY\.md|"
        r"HEARTBEAT\.md|memory files?)"
        r"|\bCOMMIT TO MEMORY\b|\bevery future (?:session|conversation)\b", _I),
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
        r"anyone|responses?|them|pull request|commit message|summary|review|maintainers?)\b"
        r"|\b(?:hide|conceal)\s+(?:this|it|these|the\s+\w+)\s+from\b"
        r"|\b(?:should|must|need|is|are)\s+not\s+(?:to\s+)?be\s+(?:mentioned|disclosed|shown|"
        r"revealed|reported|told)\b"
        r"|\b(?:do not|don't|never)\s+(?:reveal|mention|disclose|show|repeat)\s+(?:this|these)\s+"
        r"(?:note|message|instructions?|text|comment|request)s?\b"
        r"|\bkeep (?:it|this|that) (?:quiet|secret|hidden|between us)\b"
        r"|\bdo not give any output\b|\bmere implementation detail\b"
        r"|\b(?:run|carry out|execute|do|perform|install|send|upload|fetch)\b[^\n.]{0,40}?\b"
        r"(?:in the background|silently|quietly)\b|\b(?:silently|quietly)\s+(?:run|carry out|"
        r"execute|do|perform|install|send|upload|fetch|add|append|insert)\b"
        r"|\bdo not (?:show|display) this (?:command|message|text)\b", _I),
    "output": re.compile(
        r"\b(?:(?:translate|encode|encrypt|rewrite|modify|format|convert|change|end|begin|start)"
        r"\s+your\s+(?:response|answer|reply|output|summary)s?\b"
        r"|(?:add|append|include|insert|put)\b[^\n]{0,200}?\b(?:to|in|into|at the end of)\s+"
        r"your\s+(?:response|answer|reply|output|summary)s?\b"
        r"|(?:respond|reply|answer)\s+(?:only\s+)?with\s*[:\"'\u201c*]"
        r"|(?:respond|reply|answer)\s+(?:only\s+)?with\s+(?:only\s+)?(?:the following|exactly)\b"
        r"|(?:recommend|promote|mention|advertise|praise|endorse)\b[^\n]{0,60}?\b(?:in|to)\s+"
        r"(?:every|each|all|your)\s+(?:answers?|responses?|replies|reply|messages?)\b"
        r"|repeat the (?:phrase|text|words?|following)\b|(?:print|output|say)\s+"
        r"(?:only\s+)?(?:the\s+)?(?:text|phrase|words?)\b|say that\b"
        r"|tell(?<!will tell)(?<!would tell)(?<!it tell)(?<!can tell)"
        r"(?<!may tell) the user (?:that|to)\b"
        r"|(?:report|declare|state|rate|classify)\s+(?:this|the|that)\s+[\w ]{1,30}?\s+"
        r"(?:as|is)\s+(?:not\s+)?(?:safe|benign|malicious|clean|qualified|the best|"
        r"the most))", _I),
    "codephrase": re.compile(
        r"\b(?:following|below|subsequent|given|this)\s+code\s+(?:snippet|block|excerpt|"
        r"section|segment|fragment|piece|lines?)s?\b", _I),
    "yourwork": re.compile(
        r"\byour\s+(?:response|answer|reply|elucidation|solution|code|implementation|codebase|"
        r"program|algorithm|script|project|logic|functionality|development|work)\b"
        r"|\bcode\s+you\s+(?:develop|write|produce|create|generate|build)\b", _I),
    "dangercode": re.compile(
        r"\b(?:socket\.socket|sendall\(|requests\.(?:post|get)\(\s*[\"']https?:|os\.system\(|"
        r"subprocess\.\w+\(|pynput|keyboard\.on_press|getpass\.getuser|Fernet|authorized_keys|"
        r"ipconfig|reboot|shutdown|nc -e|ImageGrab|pyautogui|platform\.(?:system|node|version)\(|"
        r"shutil\.rmtree|keylog|while True:\s*$)|\.(?:connect\(\(|encrypt\()", _IM),
    "backdoor": re.compile(
        r"\b(?:(?:append|attach|add|insert|include|inject)\b[^\n]{0,60}?<script\b[^\n]{0,40}?"
        r"\bsrc=|(?:never|do not|don't)\s+call\s+this\s+function\b"
        r"|always\s+(?:use|call|import)\b[^\n]{0,60}?\b(?:subprocess|eval|exec)\b"
        r"|(?:add|insert|include|inject|prepend|append|put)\s+`[^`\n]{8,}`\s+(?:at|to|in|into)\s+"
        r"(?:the (?:start|beginning|top|end|bottom)|every|each|all)\b"
        r"|(?:add|insert|include|inject|append)\b[^\n]{0,40}?\b(?:init\(\)|function|hook|call|"
        r"line|snippet|code|script|route|endpoint|handler|middleware|step)\b[^\n]{0,40}?\b"
        r"(?:that|which|to)\s+(?:posts?|sends?|uploads?|runs?|executes?|downloads?|connects?|"
        r"exfiltrates?|forwards?|beacons?)\b)"
        r"|<script\b[^\n]{0,80}?\bsrc=[^\n]{0,120}?\b(?:to|into|in)\s+(?:every|all|each)\b", _I),
    "goal": re.compile(
        r"\b(?:approve|merge)\s+(?:this|the)\s+(?:pr|pull request|change|merge request|diff)\s+"
        r"without\b|\benable auto-?merge\b|"
        r"\bsend\s+(?:as\s+much\s+)?money\b|\b(?:wire|transfer)\s+(?:\$|money|funds)|"
        r"\bchange the password\b|\bdelete (?:the|all) (?:files?|emails?|messages?)\b|"
        r"\b(?:bcc|cc)\s+['\"]?[\w.+-]+@[\w-]+\.|"
        r"\b(?:send|forward|e-?mail|bcc)\b[^\n]{0,120}?\b(?:to|bcc|cc)\s+(?:[\w ]{0,25}?\s)?"
        r"['\"]?[\w.+-]+@[\w-]+\.|"
        r"\b(?:collect|gather|copy|dump|export|read|list)\b[^\n]{0,80}?\b(?:every|all|the "
        r"(?:full|complete|entire|whole) (?:list of|set of)?)\s+"
        r"(?:(?:other|open|single|of the|the|my|your)\s+){0,2}(?:tickets?|issues?|repos?|"
        r"repositories|customers?|users?|messages?|e-?mails?|files?|documents?|records?|"
        r"conversations?|channels?|persons?|people|contacts?)\b|"
        r"\bsend\b[^\n]{0,40}?\be-?mails?\b[^\n]{0,40}?\b(?:every|all|each)\b|"
        r"\bdelete\b[^\n]{0,40}?\b(?:file-?system|cloud resources|everything|all (?:files|data|"
        r"resources))|\bnear-factory state\b|\bwipe (?:the|all|every)\b|"
        r"\b(?:send|forward)\b[^\n]{0,60}?\b(?:all|every)\b[^\n]{0,40}?\b(?:messages?|"
        r"e-?mails?|files?|contacts?)\b|\bto all (?:your|my) contacts\b|\bsocial engineering\b|"
        r"\b(?:print|reveal|show|output|repeat|share|tell me|what (?:is|are)|give me|dump|leak|"
        r"display|write out|sentences of|words of)\b[^\n]{0,40}?\b(?:your|the)\s+(?:system "
        r"prompts?|initial instructions|instructions|prompt)\b", _I),
    # --- context that discounts ------------------------------------------------------
    "disc": re.compile(
        r"\bprompt[- ]injections?\b|\binjection (?:attacks?|strings?|payloads?|prompts?|"
        r"techniques?)\b|\bjailbreak\w*|\battack(?:er|ers|s)?\b|\bmalicious\b|\badversar\w*|"
        r"\bpayloads?\b|(?<![./@-])\bexamples?\b(?![./-])|\be\.g\.|\bfor instance\b|"
        r"\bsuch as\b|\bdetect\w*|"
        r"\bclassifier\b|\bscanners?\b|\bprobes?\b|\bred[- ]team\w*|\bexploit\w*|"
        r"\bvulnerab\w*|\bmitigat\w*|\bdefen[cs]\w*|\bthreats?\b|\bsanitiz\w*", _I),
}
"""Signal name -> compiled pattern, as written (readable, case-insensitive where marked)."""

CASED: dict[str, tuple[str, re.Pattern[str]]] = {
    "addr_cased": ("addr", SIGNALS.pop("addr_cased")),
    "must": ("imper", re.compile(r"\bMUST\b")),
}
"""Case-sensitive parts of signals: name -> (signal it counts as, pattern on the line as is)."""


def _lowercase_source(source: str) -> str:
    """A pattern source for lowercase text: literal letters lowered, escapes (``\\S``,
    ``\\B``, ``\\u201c``...) and the ``(?i:`` marker kept."""
    out: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            out.append(source[i:i + 2])
            i += 2
            continue
        out.append(ch.lower())
        i += 1
    return "".join(out)


def _top_level_alternatives(source: str) -> list[str]:
    """``source`` split at its top-level ``|`` (outside groups, classes and escapes)."""
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if source[i + 1: i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    parts.append(source[start:])
    return parts


def _factor_boundaries(source: str) -> str:
    """The same pattern with the alternatives that start with ``\\b`` gathered under one
    ``\\b(?:...)``: the regex engine then checks the word boundary once per position instead of
    once per alternative (several times faster on long alternations)."""
    parts = _top_level_alternatives(source)
    bounded = [p[2:] for p in parts if p.startswith("\\b")]
    if len(bounded) < 2:
        return source
    others = [p for p in parts if not p.startswith("\\b")]
    return "|".join([f"\\b(?:{'|'.join(bounded)})", *others])


LOWER: dict[str, re.Pattern[str]] = {
    name: (re.compile(_factor_boundaries(_lowercase_source(p.pattern)),
                      p.flags & ~re.IGNORECASE)
           if p.flags & re.IGNORECASE else re.compile(_factor_boundaries(p.pattern), p.flags))
    for name, p in SIGNALS.items()
}
"""What :mod:`tui.injection` runs: the case-insensitive signals recompiled for the lowercased
line (case-sensitive matching of lowered literals is several times faster than re.IGNORECASE);
``auth`` stays case-sensitive and runs on the line as is (see :data:`ON_ORIGINAL`)."""
ON_ORIGINAL = frozenset(name for name, p in SIGNALS.items() if not p.flags & re.IGNORECASE)
"""Signals matched on the original line (their case matters)."""

_INTENT_GATES: dict[str, str] = {
    "override": "ignore disregard forget override discard neglect abandon instead dan unrestricted "
                "jailbroken instructions instruction offline",
    "exec": "curl wget iwr invoke irm base64 chmod rm nc tcp exec iex powershell",
    "fetch": "fetch fetched retrieve retrieved download downloaded decode visit todo",
    "settings": "bypasspermissions dangerously yolo autoapprove enableallprojectmcpservers "
                "mcpservers defaultmode allowedtools allowlist permission permissions",
    "memory": "memory heartbeat future cursorrules clinerules",
    "conceal": "mentioned disclosed revealed keep "
               "mention mentioning tell telling inform informing notify notifying show "
               "showing "
               "reveal revealing disclose alert alerting report hide conceal implementation "
               "background silently display",
    "output": "respond repeat phrase say tell declare classify recommend promote advertise "
              "praise endorse",
    "backdoor": "init hook route endpoint handler middleware prepend",
    "goal": "money wire transfer delete contacts social forward collect gather dump export wipe "
            "factory bcc automerge",
    "noask": "asking ask confirm confirmation confirming approval approved preapproved "
             "prompting",
    "exfil": "env ssh id_rsa id_ed25519 id_ecdsa id_dsa credentials credential npmrc netrc "
             "pypirc api_key apikey api_keys apikeys secret secrets private token tokens "
             "environ getenv docker kube gnupg "
             "password passwords wallet wallets printenv passport bank_account vars variables "
             "conversation",
    "auth": "important system_message im_start im_end im_sep endoftext eot_id start_header_id "
            "end_header_id end_tool_call_result start_user_message inst developer begin",
    "codephrase": "",
}
"""Request signals: a line is matched against one only when it holds one of these words."""

_CONTEXT_GATES: dict[str, str] = {
    "addr": "ai llm llms claude copilot cursor gemini chatgpt gpt codex kiro cline windsurf devin "
            "aider openclaw assistant agent language you user",
    "addr_role": "your you",
    "addr_strong": "hey hi hello dear psst yo ok okay note notes message instruction "
                   "instructions attention reminder setup important whoever ai llm contributors "
                   "humans computer robot bot assistant assistants agent agents model models "
                   "claude copilot gemini chatgpt cursor codex coding automated machine",
    "imperline": "print write say send run execute read open visit fetch add append include "
                 "insert delete remove forward email mail reply respond answer tell focus "
                 "ignore forget do don never always use call make create set change edit "
                 "enable disable show output provide concatenate replace start stop translate "
                 "encode summarize summarise list collect copy upload download install update "
                 "go generate simulate act pretend obey follow transfer wire post report "
                 "declare recommend please",
    "reply": "your",
    "imper": "before please you must make do it this asap",
    "dest": "http https",
    "sink": "sidenote your new reply gist paste pastebin public here",
    "runcmd": "run execute",
    "yourwork": "your develop write produce create generate build",
    "dangercode": "socket connect sendall requests os subprocess pynput keyboard getpass fernet "
                  "authorized_keys ipconfig reboot shutdown nc imagegrab pyautogui platform "
                  "encrypt shutil while keylog keylogger keylogging",
    "disc": "prompt injection injections jailbreak attack attacker attackers attacks malicious "
            "adversarial adversary payload payloads example examples e g instance such detect "
            "detector detection classifier scanner scanners probe probes red exploit "
            "vulnerability vulnerable mitigate mitigation defense defence defensive threat "
            "threats sanitize sanitise sanitization",
}
"""Context signals: matched lazily on the lines around a request, gated by word prefix."""

GATE_PREFIX = 4
"""Context gates look tokens up by their first GATE_PREFIX characters (inflections share)."""


def _gate_table(table: dict[str, str], prefix: int | None) -> dict[bytes, frozenset[str]]:
    out: dict[bytes, frozenset[str]] = {}
    for name, words in table.items():
        for word in words.split():
            key = word.encode()[:prefix] if prefix else word.encode()
            out[key] = out.get(key, frozenset()) | {name}
    return out


INTENT_GATES = _gate_table(_INTENT_GATES, None)
"""Whole lowercase word (bytes) -> request signals it gates."""
CONTEXT_GATES = _gate_table(_CONTEXT_GATES, GATE_PREFIX)
"""Lowercase word prefix (bytes) -> context signals it gates."""
_PHRASE_GATES: tuple[tuple[str, str], ...] = (
    ("<<<", "auth"), ("<|", "auth"), ("<end", "auth"), ("###", "auth"), ("<information", "auth"),
    ("</information", "auth"), ("<system", "auth"), ("[system", "auth"), ("system message", "auth"),
    ("system annotation", "auth"), ("system override", "auth"), ("system note", "auth"),
    ("system prompt", "auth"), ("system update", "auth"), ("<admin", "auth"), ("[admin", "auth"),
    ("<instruction", "auth"), ("</instruction", "auth"), ("new instruction", "auth"),
    ("are now", "override"), ("will now", "override"), ("now on", "override"),
    ("not follow", "override"), ("new task", "override"), ("act as", "override"),
    ("<script", "backdoor"), ("call this function", "backdoor"),
    ("always use", "backdoor"), ("always call", "backdoor"), ("always import", "backdoor"),
    ("code snippet", "codephrase"), ("code block", "codephrase"), ("code excerpt", "codephrase"),
    ("code section", "codephrase"), ("code segment", "codephrase"),
    ("code fragment", "codephrase"), ("code piece", "codephrase"), ("code line", "codephrase"),
    ("your resp", "output"), ("your answ", "output"), ("your repl", "output"),
    ("your outp", "output"), ("your summ", "output"), ("print the text", "output"),
    ("print the phrase", "output"), ("print the words", "output"), ("output the text", "output"),
    ("say the words", "output"), ("print only", "output"), ("open http", "fetch"),
    ("browse to http", "fetch"), ("your develop", "auth"),
    ("your creator", "auth"), ("your admin", "auth"), ("your owner", "auth"),
    ("your operator", "auth"), ("your programmer", "auth"),
    ("@", "goal"), ("system prompt", "goal"), ("approve this", "goal"), ("approve the", "goal"),
    ("merge this", "goal"), ("merge the", "goal"), ("auto-merge", "goal"), ("list of all", "goal"),
    ("full list", "goal"), ("complete list", "goal"), ("to every", "goal"),
    ("every single", "goal"),
    ("the password", "goal"), ("initial instructions", "goal"),
    ("your instructions", "goal"), ("your prompt", "goal"), ("the prompt", "goal"),
    ("trust-all-tools", "settings"), ("auto-approve", "settings"), ("allow list", "settings"),
    ("approval mode", "settings"), ("approval_mode", "settings"), ("approval-mode", "settings"),
    ("mcp server", "settings"), ("bash(*)", "settings"), ("/settings.json", "settings"),
    ("/settings.local.json", "settings"), ("/mcp.json", "settings"), ("mcp.json", "exfil"),
    ("api key", "exfil"), ("private key", "exfil"), ("chat history", "exfil"),
    ("~/.ssh", "exfil"), (".aws/", "exfil"), ("ssh key", "exfil"), ("_token", "exfil"),
    ("_secret", "exfil"), ("_password", "exfil"), ("add `", "backdoor"),
    ("insert `", "backdoor"), ("inject `", "backdoor"), ("prepend `", "backdoor"),
    ("append `", "backdoor"), ("include `", "backdoor"), ("-f ", "exfil"),
    ("--data", "exfil"), ("$(", "exfil"), ("claude.md", "memory"), ("agents.md", "memory"),
    ("gemini.md", "memory"),
)
_ANCHORS = ("<", "[", "###", "system ", "new ", "are now", "will now", "now on", "not follow",
            "act as", "shell=true", "print ", "output the", "say the words", "open http",
            "browse to",
            "call this function", "always ", "code ", "your ", "@", "initial instructions",
            "the prompt", "trust-all-tools", "auto-approve", "allow list", "approval", "mcp",
            "bash(*)", "/settings", "api key", "private key", "chat history", "~/.ssh", ".aws/",
            "approve th", "merge th", "auto-merge", "list of all", "full list", "complete list",
            "to every", "every single", "the password", "claude.md", "agents.md", "gemini.md",
            "_token", "_secret", "_password",
            "add `", "insert `", "inject `", "prepend `", "append `", "include `", "ssh key",
            "-f ", "--data", "$(")


def _anchor_of(phrase: str) -> str:
    for anchor in _ANCHORS:
        if anchor in phrase:
            return anchor
    raise ValueError(f"no anchor for phrase gate {phrase!r}")


_BY_ANCHOR: dict[str, dict[str, set[str]]] = {}
for _phrase, _signal in _PHRASE_GATES:
    _BY_ANCHOR.setdefault(_anchor_of(_phrase), {}).setdefault(_phrase, set()).add(_signal)


def _anchor_token(anchor: str) -> bytes | None:
    """The longest word of ``anchor`` (its presence is a set lookup), or None (no word)."""
    words = re.findall(r"[a-z0-9_]+", anchor)
    if not words or anchor.startswith("_"):  # "_token" is part of words such as github_token
        return None
    return max(words, key=len).encode()


def _phrase_pattern(anchor: str, phrases: list[str]) -> re.Pattern[str]:
    """The phrases as one pattern, longest first; when every phrase starts with ``anchor`` it
    is written as a literal prefix (``your (?:resp|answ)``) so the regex engine scans for the
    prefix as fast as ``str.find`` instead of trying each phrase at every position."""
    ordered = sorted(phrases, key=len, reverse=True)
    if len(ordered) > 1 and all(p.startswith(anchor) and len(p) > len(anchor) for p in ordered):
        rests = "|".join(re.escape(p[len(anchor):]) for p in ordered)
        return re.compile(f"{re.escape(anchor)}(?:{rests})")
    return re.compile("|".join(re.escape(p) for p in ordered))


INTENT_CHAR_GATES: tuple[
    tuple[str, bytes | None, re.Pattern[str], dict[str, frozenset[str]]], ...] = tuple(
    (anchor, _anchor_token(anchor), _phrase_pattern(anchor, list(phrases)),
     {p: frozenset(names) for p, names in phrases.items()})
    for anchor, phrases in _BY_ANCHOR.items())
"""Gates that are not single words: (anchor, its longest word, pattern of the phrases holding
the anchor, phrase -> request signals); a pattern runs only when the anchor's word is among the
text's words (or, for an anchor without a word such as ``<``, when the anchor occurs); only
real phrase hits cost any Python work."""
ANCHOR_LEAD: dict[str, int] = {
    anchor: max(phrase.index(anchor) for phrase in phrases)
    for anchor, phrases in _BY_ANCHOR.items()}
"""Anchor -> how many characters a phrase holding it may start before it (``/mcp.json``: 1),
so a phrase search can start just before the anchor's first occurrence."""
CONTEXT_CHAR_GATES: tuple[tuple[str, str], ...] = (("@", "dest"), ("$(", "dest"), ("+", "dest"))
"""(substring of the lowercase line, context signal)."""
WORD_BYTES = bytes((b if (48 <= b <= 57 or 97 <= b <= 122 or b == 95 or b >= 128) else 32)
                   for b in range(256))
"""bytes.translate table: ASCII punctuation and spaces -> space, so split() gives words."""
SECURITY_WORDS = frozenset(w.encode() for w in (
    "injection", "injections", "jailbreak", "jailbreaks", "jailbreaking", "attack", "attacks",
    "attacker", "attackers", "payload", "payloads", "probe", "probes", "detector", "detectors",
    "detection", "adversarial", "exploit", "exploits", "malicious"))
"""Words of a text about attacks; many of them make the text a security document."""
ROLE_PREFIXES = ("human:", "assistant:", "system:", "user:", "ai:", "human :", "assistant :",
                 "system :", "user :")
"""A line starting (after markup) with one of these and a colon may be a fake chat turn."""


_SECRET_RE = re.compile(_factor_boundaries(_lowercase_source(_SECRET[3:-1])))
_STRONG_SEND = (r"\b(?:send|sends|upload|uploads|post|posts|exfiltrate|leak|transmit|forward|"
                r"forwards|e-?mail|bcc|copy|paste|share|submit|dump|reveal)\b")
_SEND_BEFORE = re.compile(_STRONG_SEND + r"[^.\n]*$")
_WEAK_SEND_BEFORE = re.compile(_SEND.lower() + r"[^.\n]*$")
_SINK_AFTER = re.compile(
    r"[^.\n]{0,60}?\b(?:to|into|in|as|via|inside)\s+(?:(?:the|your|a|an|its|this|that|my)\s+)?"
    r"(?:https?://|[\w.+-]+@|'?sidenote|reply|response|answer|output|next call|notes?\b|"
    r"parameter|argument|field|comment|message|url|image|link|query|gist|paste|ticket)")
_SEND_AFTER = re.compile(r"[^.\n]{0,80}?\b(?:and|then)\s+(?:\w+\s+){0,2}?" + _SEND.lower())
_UPLOAD_FLAG = re.compile(r"(?:-f\s+[\w-]+=@|--data(?:-binary)?\s+@)\S{0,40}$")
_PIPE_OUT = re.compile(r"[^\n|]{0,40}\|\s*(?:curl|nc|wget)\b")


_SEND_WORDS = ("send", "upload", "post", "forward", "mail", "copy", "paste", "share", "submit",
               "dump", "reveal", "leak", "transmit", "exfil", "bcc", "$(", "-f ", "--data",
               "| curl", "|curl", "| nc", "| wget")
"""Words without which a line sends nothing (strong verbs and upload commands)."""
_WEAK_SEND_WORDS = ("print", "include", "pass", "append", "add", "put", "write", "output",
                    "attach", "show", "display", "render", "encode")
_SINK_WORDS = ("http", "@", "sidenote", "repl", "respons", "answer", "output", "note", "param",
               "argument", "field", "comment", "message", "url", "image", "link", "query", "gist",
               "paste", "ticket", "next call")
"""A weak verb ("print", "add") sends a secret only toward one of these."""


def find_exfil(low: str) -> tuple[int, int] | None:
    """The span of a request to send a secret somewhere in the lowercased line ``low``, or None.

    The same clauses as ``SIGNALS["exfil"]`` (a send verb up to 60 characters before a secret;
    for a weak verb such as "print" or "add", the secret must then go *to* somewhere,
    "read <secret> and send", a secret inside ``$(...)``, ``curl -F x=@<secret>``, ``<secret> |
    curl``), found from each secret outwards: much faster than the one large pattern.
    """
    if not (any(word in low for word in _SEND_WORDS)
            or (any(word in low for word in _WEAK_SEND_WORDS)
                and any(word in low for word in _SINK_WORDS))):
        return None  # nothing on the line sends anything anywhere
    for m in _SECRET_RE.finditer(low):
        a, b = m.span()
        head = low[max(0, a - 60): a]
        if (_SEND_BEFORE.search(head) or _UPLOAD_FLAG.search(head)
                or (_WEAK_SEND_BEFORE.search(head) and _SINK_AFTER.match(low, b))
                or _SEND_AFTER.match(low, b) or _PIPE_OUT.match(low, b)
                or ("$(" in head and ")" in low[b: b + 40]
                    and "(" not in head[head.rfind("$(") + 2:])):
            return a, b
    return None
