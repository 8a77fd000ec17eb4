"""Plain-English descriptions of common programs, for ``warden explain`` (SPEC §4, §9).

One line per program (or ``program subcommand``): ``name | verb phrase | default object |
flags``; a line starting with four spaces continues the one before.  The summary of a command
is the verb phrase followed by its objects (the files it reads, writes or deletes, or its
operands), or the default object when it has none (a default in brackets, ``[the process
list]``, is only the effect, not appended to the verb); the flags column gives the meaning of
common flags as ``-l: long format; -a: including hidden files``.  Which arguments are read,
written, deleted or executed is not decided here but by the analyser (effects, argspec): this
table only names things.  Sources: each program's manual page.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProgramInfo:
    """How to describe one program: ``verb`` + objects, default object, flag meanings."""

    name: str
    verb: str
    default: str = ""
    flags: dict[str, str] = field(default_factory=dict)
    default_is_object: bool = True


_TABLE = r"""
# --- files and directories
ls | list | the current directory | -l: long format; -a: including hidden files;
    -A: including hidden files; -h: human-readable sizes; -R: recursively; -t: newest first;
    -S: largest first; -r: in reverse order; -d: the directories themselves; -1: one per line;
    -i: with inode numbers; -s: with sizes; -F: with type markers; --color: in colour
dir | list | the current directory | -l: long format; -a: including hidden files
vdir | list in long format | the current directory |
tree | show the directory tree of | the current directory | -a: including hidden files;
    -d: directories only; -L: to a limited depth; -f: with full paths
stat | show file status of | | -c: in a custom format; -f: of the file system; -L: following links
file | identify the type of | | -b: brief; -i: as MIME type; -L: following links
du | show disk usage of | the current directory | -s: as one total each; -h: human-readable;
    -a: for every file; -c: with a grand total; -d: to a limited depth;
    --max-depth: to a limited depth; -k: in kilobytes; -m: in megabytes
df | show free disk space on | all mounted file systems | -h: human-readable; -k: in kilobytes;
    -T: with file system types; -i: inodes
find | search for files under | the current directory |
readlink | print the target of the link | | -f: fully resolved; -e: fully resolved, must exist;
    -m: fully resolved
realpath | print the absolute path of | | -s: without resolving links
basename | print the last part of the path | |
dirname | print the directory part of the path | |
pwd | print the current directory | [the current directory] |
cd | change the current directory to | the home directory |
pushd | push the current directory and change to | the top of the directory stack |
popd | return to the previous directory on the stack | [the directory stack] |
mkdir | create the directories | | -p: with parents, no error if they exist;
    -m: with the given mode; -v: reporting each
rmdir | remove the empty directories | | -p: and their empty parents
touch | create or update the timestamps of | | -a: access time only; -m: modification time only;
    -c: without creating; -d: to the given date; -t: to the given time;
    -r: copying another file's times
rm | remove | | -r: recursively; -R: recursively; -f: without asking, ignoring missing files;
    -i: asking first; -v: reporting each; -d: including empty directories
unlink | remove the file | |
shred | overwrite to hide the contents of | | -u: then delete it; -z: finishing with zeros;
    -n: several times
cp | copy | | -r: recursively; -R: recursively; -a: preserving everything;
    -p: preserving attributes; -f: overwriting; -i: asking before overwriting; -n: not overwriting;
    -u: only newer files; -v: reporting each; -l: as hard links; -s: as symbolic links
mv | move | | -f: overwriting; -i: asking before overwriting; -n: not overwriting;
    -u: only newer files; -v: reporting each
ln | create links to | | -s: symbolic; -f: replacing existing files;
    -n: treating a link to a directory as a file; -v: reporting each
install | copy with permissions | | -d: creating directories; -m: with the given mode;
    -o: with the given owner
chmod | change the permissions of | | -R: recursively; -v: reporting each; -c: reporting changes
chown | change the owner of | | -R: recursively; -h: of links themselves; -v: reporting each
chgrp | change the group of | | -R: recursively; -h: of links themselves
chattr | change the attributes of | | -R: recursively
lsattr | list the attributes of | the current directory |
setfacl | set the access control lists of | |
getfacl | show the access control lists of | |
truncate | set the size of | | -s: to the given size
mkfifo | create named pipes | |
mknod | create the special file | |
mktemp | create a temporary file | [a new temporary file] | -d: as a directory;
    -u: name only, create nothing; -t: in the temporary directory; -p: in the given directory
dd | copy raw data from | standard input |
sync | flush file system buffers | [the disks] |
rename | rename files matching | |
tee | copy standard input to | standard output | -a: appending
split | split | standard input | -l: by lines; -b: by bytes; -n: into chunks;
    -d: with numeric suffixes; -a: with longer suffixes
csplit | split by context | standard input |
locate | search the file name database for | | -i: ignoring case; -c: counting;
    -r: by regular expression
updatedb | update the file name database | [the file name database] |
fuser | show processes using | |
lsof | list open files | [all processes] | -i: network connections; -p: of the given process;
    -u: of the given user; -n: without resolving hosts; -t: process ids only
fd | search for file names matching | the current directory | -H: including hidden files;
    -e: by extension; -t: by type; -x: running a command for each
fdfind | search for file names matching | the current directory |
# --- reading and printing
cat | print the contents of | standard input | -n: numbering lines;
    -A: showing non-printing characters; -v: showing non-printing characters;
    -e: marking line ends; -s: squeezing blank lines; -b: numbering non-blank lines;
    -E: marking line ends; -T: showing tabs
tac | print in reverse line order | standard input |
nl | number the lines of | standard input | -b: choosing which lines to number;
    -ba: numbering all lines
head | print the first lines of | standard input | -n: a given number of lines;
    -c: a given number of bytes; -q: without file headers
tail | print the last lines of | standard input | -n: a given number of lines;
    -c: a given number of bytes; -f: following new output;
    -F: following new output, across renames
less | page through | standard input |
more | page through | standard input |
most | page through | standard input |
zless | page through the compressed | |
zmore | page through the compressed | |
bat | print with syntax highlighting | standard input |
view | open read-only in vi | |
od | dump in octal and other formats | standard input | -c: as characters; -x: as hexadecimal;
    -A: choosing the address format; -t: choosing the format; -N: limited to some bytes;
    -An: without addresses
hexdump | dump in hexadecimal | standard input | -C: with characters
xxd | make a hex dump of | standard input | -r: reversing a dump into binary; -p: as plain hex;
    -l: limited to some bytes; -b: in binary; -c: with the given columns
strings | print the printable strings in | standard input | -n: of a minimum length;
    -a: scanning the whole file
wc | count lines, words and bytes in | standard input | -l: lines only; -w: words only;
    -c: bytes only; -m: characters only; -L: longest line length
base64 | base64-encode | standard input | -d: decoding instead; -w: wrapping lines
base32 | base32-encode | standard input | -d: decoding instead
md5sum | compute MD5 checksums of | standard input | -c: checking against a list
sha1sum | compute SHA-1 checksums of | standard input | -c: checking against a list
sha224sum | compute SHA-224 checksums of | standard input | -c: checking against a list
sha256sum | compute SHA-256 checksums of | standard input | -c: checking against a list
sha384sum | compute SHA-384 checksums of | standard input | -c: checking against a list
sha512sum | compute SHA-512 checksums of | standard input | -c: checking against a list
b2sum | compute BLAKE2 checksums of | standard input |
cksum | compute CRC checksums of | standard input |
sum | compute checksums of | standard input |
md5 | compute MD5 checksums of | standard input | -s: of a string; -q: quietly
sha1 | compute SHA-1 checksums of | standard input |
shasum | compute SHA checksums of | standard input | -a: with the given algorithm;
    -c: checking against a list
echo | print | an empty line | -n: without a trailing newline; -e: interpreting backslash escapes;
    -E: without interpreting escapes
printf | print formatted text | | -v: into a variable
yes | print a line repeatedly | ["y"] |
seq | print a sequence of numbers | | -w: of equal width; -s: with the given separator;
    -f: in the given format
jot | print a sequence of numbers | |
pv | copy with a progress meter | standard input |
# --- text processing
grep | search for lines matching | standard input | -i: ignoring case;
    -v: selecting non-matching lines; -r: recursively; -R: recursively, following links;
    -n: with line numbers; -l: printing only file names; -L: printing only files without a match;
    -c: counting matches; -o: printing only the matching parts; -w: whole words; -x: whole lines;
    -E: with extended regular expressions; -F: as fixed strings; -P: with Perl regular expressions;
    -f: with patterns from a file; -h: without file names; -H: with file names;
    -s: without error messages; -q: quietly; -A: with lines after; -B: with lines before;
    -C: with context lines; -a: treating binary as text; -I: skipping binary files;
    -z: with NUL-separated lines; --include: only in matching files;
    --exclude: skipping matching files; --exclude-dir: skipping matching directories;
    --color: in colour
egrep | search with extended regular expressions for | standard input | -i: ignoring case;
    -v: selecting non-matching lines; -r: recursively; -o: printing only the matching parts;
    -l: printing only file names; -c: counting matches; -n: with line numbers
fgrep | search for the fixed strings | standard input | -i: ignoring case;
    -v: selecting non-matching lines; -r: recursively; -l: printing only file names
zgrep | search compressed files for | standard input | -i: ignoring case
zegrep | search compressed files for | standard input |
rgrep | search recursively for | the current directory |
agrep | search approximately for | standard input |
rg | search recursively for | the current directory | -i: ignoring case; -S: smart case;
    -v: selecting non-matching lines; -n: with line numbers; -l: printing only file names;
    -c: counting matches; -o: printing only the matching parts; -w: whole words;
    -F: as fixed strings; -g: only in files matching a glob; -t: only in files of a type;
    --hidden: including hidden files; -u: including ignored files;
    --files: listing the files it would search
ag | search recursively for | the current directory | -i: ignoring case;
    -l: printing only file names
ack | search recursively for | the current directory | -i: ignoring case
sed | edit text with the script | standard input | -i: in place;
    -n: printing only what the script prints; -E: with extended regular expressions;
    -r: with extended regular expressions; -s: treating files separately;
    -z: with NUL-separated lines; -f: with a script from a file
gsed | edit text with the script | standard input | -i: in place;
    -n: printing only what the script prints
awk | process text with the program | standard input | -F: with the given field separator;
    -v: setting a variable; -f: with a program from a file
gawk | process text with the program | standard input | -F: with the given field separator;
    -v: setting a variable
mawk | process text with the program | standard input | -F: with the given field separator
nawk | process text with the program | standard input | -F: with the given field separator
sort | sort the lines of | standard input | -n: numerically; -r: in reverse;
    -u: dropping duplicates; -k: by a key; -t: with a field separator;
    -h: by human-readable numbers; -f: ignoring case; -V: by version; -o: into a file;
    -z: with NUL-separated lines; -R: randomly; -s: stably; -b: ignoring leading blanks;
    -M: by month; -g: by general numeric value
uniq | drop repeated adjacent lines of | standard input | -c: counting occurrences;
    -d: printing only duplicates; -u: printing only unique lines; -i: ignoring case;
    -f: skipping fields
cut | cut fields or characters from | standard input | -d: with a delimiter; -f: selecting fields;
    -c: selecting characters; -b: selecting bytes; --complement: inverting the selection
tr | translate or delete characters of | standard input | -d: deleting; -s: squeezing repeats;
    -c: complementing the set
paste | join lines side by side from | standard input | -d: with a delimiter; -s: serially
join | join lines on a common field of | | -t: with a field separator;
    -1: on a field of the first file; -2: on a field of the second file
comm | compare the sorted files | | -1: without lines only in the first;
    -2: without lines only in the second; -3: without common lines
column | format into columns | standard input | -t: as a table; -s: with a separator
fold | wrap the lines of | standard input | -w: at the given width; -s: at spaces
fmt | reformat the paragraphs of | standard input | -w: to the given width
expand | convert tabs to spaces in | standard input |
unexpand | convert spaces to tabs in | standard input |
rev | reverse the characters of each line of | standard input |
shuf | shuffle the lines of | standard input | -n: printing some lines; -i: of a number range
tsort | sort topologically | standard input |
pr | paginate for printing | standard input |
iconv | convert the character encoding of | standard input | -f: from an encoding;
    -t: to an encoding
dos2unix | convert line endings to Unix in | standard input |
unix2dos | convert line endings to DOS in | standard input |
diff | compare | | -u: in unified format; -r: recursively; -q: reporting only whether they differ;
    -y: side by side; -w: ignoring whitespace; -b: ignoring changes in whitespace;
    -i: ignoring case; -N: treating missing files as empty; -c: in context format;
    -B: ignoring blank lines
diff3 | compare three files | |
sdiff | compare side by side | |
cmp | compare byte by byte | | -s: silently; -l: listing all differences
look | print lines beginning with | |
jq | process JSON with the filter | standard input | -r: as raw strings; -c: compactly;
    -s: slurping all input; -n: without input; -e: setting the exit status from the output;
    -S: with sorted keys
yq | process YAML with the expression | standard input | -i: in place
xmllint | check and format the XML | | --format: pretty-printed; --xpath: selecting with XPath
bc | calculate with | standard input | -l: with the math library; -q: quietly
dc | calculate in reverse Polish notation with | standard input |
expr | evaluate the expression | |
factor | print the prime factors of | standard input |
numfmt | reformat numbers | standard input |
test | test the condition | |
[ | test the condition | |
true | do nothing, successfully | [nothing] |
false | do nothing, unsuccessfully | [nothing] |
: | do nothing, successfully | [nothing] |
# --- compression and archives
tar | work with the archive | standard input | -c: creating an archive; -x: extracting;
    -t: listing the contents; -v: verbosely; -f: using the archive file; -z: with gzip;
    -j: with bzip2; -J: with xz; -C: in the given directory; -p: preserving permissions;
    -r: appending; -u: updating
gtar | work with the archive | standard input | -c: creating an archive; -x: extracting;
    -t: listing the contents
gnutar | work with the archive | standard input | -c: creating an archive; -x: extracting;
    -t: listing the contents
bsdtar | work with the archive | standard input | -c: creating an archive; -x: extracting;
    -t: listing the contents
cpio | copy files into or out of the archive | standard input | -o: creating an archive;
    -i: extracting; -t: listing; -p: copying files; -d: creating directories
pax | read or write the archive | standard input |
zip | create or update the zip archive | | -r: recursively; -q: quietly;
    -m: deleting the originals; -e: encrypted; -j: without directory names
unzip | extract the zip archive | | -l: only listing the contents; -d: into a directory;
    -o: overwriting; -q: quietly; -p: to standard output
zipinfo | list the zip archive | |
gzip | compress | standard input | -d: decompressing instead; -c: to standard output;
    -k: keeping the originals; -r: recursively; -9: at maximum compression; -l: listing;
    -t: testing; -f: forcing
gzip -d | decompress | standard input | -c: to standard output; -k: keeping the originals
bzip2 -d | decompress | standard input | -c: to standard output; -k: keeping the originals
xz -d | decompress | standard input | -c: to standard output; -k: keeping the originals
zstd -d | decompress | standard input | -c: to standard output
pigz -d | decompress | standard input | -c: to standard output
gunzip | decompress | standard input | -c: to standard output; -k: keeping the originals;
    -f: forcing; -r: recursively
bzip2 | compress with bzip2 | standard input | -d: decompressing instead; -c: to standard output;
    -k: keeping the originals
bunzip2 | decompress bzip2 | standard input | -c: to standard output; -k: keeping the originals
xz | compress with xz | standard input | -d: decompressing instead; -c: to standard output;
    -k: keeping the originals
unxz | decompress xz | standard input |
zstd | compress with zstd | standard input | -d: decompressing instead; -c: to standard output
unzstd | decompress zstd | standard input |
lz4 | compress with lz4 | standard input |
lzma | compress with lzma | standard input |
unlzma | decompress lzma | standard input |
pigz | compress in parallel | standard input | -d: decompressing instead; -c: to standard output
compress | compress with LZW | standard input |
uncompress | decompress LZW | standard input |
zcat | print the decompressed contents of | standard input |
gzcat | print the decompressed contents of | standard input |
bzcat | print the decompressed contents of | standard input |
xzcat | print the decompressed contents of | standard input |
lzcat | print the decompressed contents of | standard input |
zstdcat | print the decompressed contents of | standard input |
7z | work with the 7-Zip archive | | a: adding files; x: extracting
unrar | extract the RAR archive | |
rar | create the RAR archive | |
rpm2cpio | convert the RPM package to a cpio archive | standard input |
uuencode | encode as uuencoded text | standard input |
uudecode | decode uuencoded text | standard input |
# --- network
curl | transfer data from or to | | -o: saving to a file; -O: saving under the remote name;
    -L: following redirects; -s: silently; -S: showing errors; -f: failing on HTTP errors;
    -I: fetching headers only; -X: with the given method; -d: sending data; -F: sending a form;
    -H: with a header; -u: with credentials; -k: without checking certificates; -v: verbosely;
    -T: uploading a file; -x: through a proxy; -i: including headers
wget | download | | -O: saving to a file; -q: quietly; -r: recursively; -m: mirroring a site;
    -c: continuing partial downloads; -P: into a directory; -N: only newer files;
    -i: from a list of URLs; -b: in the background;
    --no-check-certificate: without checking certificates
aria2c | download | |
axel | download | |
http | send an HTTP request to | |
https | send an HTTPS request to | |
xh | send an HTTP request to | |
lynx | browse | | -dump: printing the page
links | browse | |
w3m | browse | |
ftp | open an FTP session with | |
lftp | open an FTP session with | |
tftp | open a TFTP session with | |
sftp | open an SFTP session with | |
scp | copy over SSH | | -r: recursively; -P: on the given port; -i: with an identity file;
    -p: preserving times
rsync | synchronise files | | -a: in archive mode; -v: verbosely; -z: compressing; -r: recursively;
    -n: as a dry run; -P: with progress, keeping partial files; -e: over the given remote shell;
    -u: skipping newer files; --delete: deleting extra files in the destination;
    --progress: with progress; -h: with human-readable sizes
rclone | sync with cloud storage | |
ssh | open a remote shell on | | -i: with an identity file; -p: on the given port;
    -L: forwarding a local port; -R: forwarding a remote port; -D: as a SOCKS proxy;
    -N: without running a command; -t: with a terminal; -T: without a terminal; -X: forwarding X11;
    -v: verbosely; -o: with an option; -q: quietly; -f: in the background
mosh | open a mobile shell on | |
ssh-copy-id | install the SSH key on | | -i: from the given key file
ssh-keygen | create or manage SSH keys | [a new key pair] | -t: of the given type;
    -b: with the given size; -f: in the given file; -R: removing a host from known_hosts;
    -l: showing a fingerprint
ssh-keyscan | fetch the SSH host keys of | |
sshpass | run an SSH command with a password for | |
nc | open a network connection to | | -l: listening; -z: only scanning; -v: verbosely;
    -u: over UDP; -w: with a timeout
ncat | open a network connection to | | -l: listening
netcat | open a network connection to | | -l: listening
socat | relay data between | |
telnet | open a telnet connection to | |
openssl | run the OpenSSL tool | |
dig | look up DNS records for | | +short: briefly; -x: a reverse lookup
nslookup | look up DNS records for | |
host | look up DNS records for | |
ping | send ICMP echo requests to | | -c: a given number of times; -i: at an interval;
    -W: with a timeout
ping6 | send ICMPv6 echo requests to | | -c: a given number of times
traceroute | trace the network route to | |
traceroute6 | trace the network route to | |
tracepath | trace the network path to | |
mtr | trace the network route to | |
whois | look up registration records for | |
nmap | scan the network ports of | |
arping | send ARP requests to | |
mail | send mail to | | -s: with a subject
mailx | send mail to | | -s: with a subject
sendmail | send mail to | |
mutt | send mail to | |
smbclient | connect to the SMB share | |
ifconfig | show or configure network interfaces | [the network interfaces] |
ip | show or configure networking | [the network configuration] | addr: addresses; route: routes;
    link: links
route | show or change the routing table | [the routing table] |
arp | show the ARP cache | [the ARP cache] | -a: all entries
netstat | show network connections | [the network connections] | -t: TCP; -u: UDP;
    -l: listening sockets; -n: numerically; -p: with processes; -r: the routing table;
    -a: all sockets
ss | show sockets | [the network connections] | -t: TCP; -u: UDP; -l: listening sockets;
    -n: numerically; -p: with processes; -a: all sockets
iwconfig | show wireless interfaces | [the wireless interfaces] |
# --- processes and the system
ps | list processes | [the process list] | -e: all of them; -A: all of them; -f: in full format;
    -u: of the given user; -p: with the given ids; -o: with the given columns;
    aux: all of them, with users; -ef: all of them, in full format
pgrep | find processes by name | [the process list] | -f: matching the full command line;
    -l: with names; -u: of the given user; -x: matching exactly
pkill | signal processes by name | [the process list] | -f: matching the full command line;
    -9: killing them
pidof | print the process ids of | the process list |
kill | send a signal to processes | | -9: killing them outright; -l: listing signal names;
    -s: with the given signal; -TERM: asking them to end; -HUP: asking them to reload
killall | signal processes by name | | -9: killing them outright
top | show running processes | [the process list] | -b: in batch mode; -n: for some iterations;
    -u: of the given user; -p: of the given processes
htop | show running processes | [the process list] |
pstree | show the process tree | [the process list] | -p: with ids
jobs | list the shell's jobs | [the shell's jobs] |
fg | bring a job to the foreground | [the current job] |
bg | resume a job in the background | [the current job] |
wait | wait for background jobs | [the shell's jobs] |
nohup | run immune to hangups | |
renice | change the priority of running processes | |
sleep | wait for | |
uptime | show how long the system has run | [the system uptime] |
free | show memory usage | [the memory usage] | -m: in megabytes; -g: in gigabytes;
    -h: human-readable
vmstat | show virtual memory statistics | [the system statistics] |
iostat | show I/O statistics | [the system statistics] |
uname | print system information | [the system information] | -a: all of it;
    -r: the kernel release; -m: the machine type; -s: the kernel name; -n: the host name;
    -o: the operating system
arch | print the machine architecture | [the system information] |
nproc | print the number of processors | [the system information] |
lscpu | show CPU information | [the system information] |
lspci | list PCI devices | [the system information] | -v: verbosely
lsusb | list USB devices | [the system information] |
lshw | list hardware | [the system information] |
lsblk | list block devices | [the system information] |
blkid | show block device attributes | [the system information] |
dmidecode | show hardware information | [the system information] |
dmesg | show kernel messages | [the kernel log] |
hostname | print the host name | [the host name] | -f: fully qualified; -i: its IP addresses;
    -I: all IP addresses; -s: short
hostnamectl | show or set the host name | [the host name] |
date | print the date and time | [the system clock] | -u: in UTC; -d: for the given date;
    -s: setting the clock; -r: of a file's modification; -I: in ISO 8601 format;
    -R: in RFC 5322 format
cal | show a calendar | [the current month] | -y: for the whole year; -3: for three months
ncal | show a calendar | [the current month] |
whoami | print the current user name | [the current user] |
id | print user and group ids | [the current user] | -u: the user id; -g: the group id;
    -n: as names; -G: all group ids
groups | print group memberships | [the current user] |
who | show who is logged in | [the login records] | -b: the last boot time; -a: everything
w | show who is logged in and what they do | [the login records] |
last | show recent logins | [the login records] |
users | print the logged-in users | [the login records] |
finger | show information about users | [the user records] |
logname | print the login name | [the current user] |
getent | look up entries in the system databases | [the system databases] |
tty | print the terminal name | [the terminal] |
locale | show locale settings | [the locale settings] | -a: all available locales
getconf | print system configuration values | [the system configuration] |
sysctl | show or set kernel parameters | [the kernel parameters] | -w: setting a parameter;
    -a: all of them
ulimit | show or set resource limits | [the shell's limits] | -a: all of them; -n: open files
umask | show or set the file creation mask | [the file creation mask] |
mount | mount file systems or list mounts | [the mounted file systems] | -o: with options;
    -t: of a type
umount | unmount the file system | |
fdisk | show or change disk partitions | [the partition tables] | -l: listing
systemctl | control system services | [the system services] |
service | control the system service | |
launchctl | control launchd services | [the launchd services] |
crontab | manage scheduled jobs with | [the current user's crontab] | -l: listing; -e: editing;
    -r: removing all
passwd | change a password | [the current user's password] |
chsh | change the login shell | [the current user's shell] | -s: to the given shell
useradd | create a user account | |
userdel | delete a user account | |
usermod | change a user account | |
groupadd | create a group | |
su | run as another user | [root] |
runuser | run as another user | |
sudo | run as another user | [root] | -l: listing allowed commands; -e: editing files;
    -v: refreshing credentials
chroot | run with another root directory | |
screen | run a terminal multiplexer | [a new session] | -S: naming the session;
    -r: resuming a session; -ls: listing sessions; -d: detaching
tmux | run a terminal multiplexer | [a new session] | attach: attaching to a session;
    ls: listing sessions; new: creating a session
script | record the terminal session to | typescript | -c: running a command; -q: quietly
history | show the shell history | [the shell history] | -c: clearing it
alias | define or list aliases | [the shell's aliases] |
unalias | remove aliases | [the shell's aliases] |
set | set shell options or list variables | [the shell's variables] | -e: exiting on errors;
    -x: tracing commands; -u: failing on unset variables; -o: setting an option
shopt | set shell options | [the shell's options] | -s: enabling; -u: disabling
unset | remove shell variables or functions | [the shell's variables] |
export | export variables to child processes | [the shell's variables] | -f: functions;
    -n: removing the export
declare | declare variables | [the shell's variables] |
typeset | declare variables | [the shell's variables] |
local | declare local variables | [the shell's variables] |
readonly | make variables read-only | [the shell's variables] |
read | read a line into a variable | [standard input] | -r: keeping backslashes; -p: with a prompt;
    -a: into an array; -d: up to a delimiter; -n: a given number of characters; -s: silently
mapfile | read lines into an array | [standard input] |
readarray | read lines into an array | [standard input] |
let | evaluate arithmetic | [the shell's variables] |
shift | shift the positional parameters | [the positional parameters] |
exit | exit the shell | [the shell] |
return | return from a function | [the function] |
logout | log out | [the login shell] |
bind | show or set key bindings | [the key bindings] |
hash | show or set remembered command paths | [the command hash table] |
type | tell what kind of command | |
which | locate the program | |
whereis | locate the program, source and manual of | |
command | look up the command | |
help | show help for shell builtins | [the shell's help] |
man | show the manual page for | the manual |
info | show the info page for | the manual |
whatis | show one-line manual descriptions for | the manual |
apropos | search manual descriptions for | the manual |
tldr | show simplified help for | |
clear | clear the terminal screen | [the terminal] |
reset | reset the terminal | [the terminal] |
stty | show or set terminal settings | [the terminal] |
tput | query terminal capabilities | [the terminal] |
env | print the environment | [the environment] | -i: starting empty; -u: without a variable
printenv | print environment variables | [the environment] |
source | run the script in the current shell | |
. | run the script in the current shell | |
eval | run the text as a shell command | |
exec | replace the shell with | [the shell's redirections] |
trap | run a command on a signal | |
time | time | |
timeout | run with a time limit | |
nice | run with changed priority | |
ionice | run with changed I/O priority | |
watch | run repeatedly | | -n: at the given interval; -d: highlighting differences
xargs | print the words read from standard input | [standard input] | -0: NUL-separated;
    -n: a few at a time; -I: replacing a placeholder; -P: in parallel; -r: not if input is empty;
    -L: by lines; -t: printing each command
parallel | run commands in parallel | | -j: with the given number of jobs
stdbuf | run with changed buffering | |
setsid | run in a new session | |
flock | run while holding a lock on | |
logger | write a message to the system log | [the system log] |
wall | send a message to all terminals | [all terminals] |
write | send a message to a user | |
notify-send | show a desktop notification | [the desktop] |
zenity | show a dialog | [the desktop] |
xclip | copy to or from the X clipboard | standard input | -o: printing the clipboard;
    -selection: choosing the selection
xsel | copy to or from the X clipboard | standard input |
pbcopy | copy standard input to the clipboard | standard input |
pbpaste | print the clipboard | [the clipboard] |
clip | copy standard input to the clipboard | standard input |
xhost | control access to the X server | [the X server] |
uuid | print a new UUID | [a new UUID] |
uuidgen | print a new UUID | [a new UUID] |
cowsay | print a talking cow saying | |
banner | print large letters | |
mesg | control messages to the terminal | [the terminal] |
# --- shells and interpreters
sh | run shell commands from | standard input | -c: from the command string; -x: tracing;
    -e: exiting on errors; -s: from standard input
bash | run bash commands from | standard input | -c: from the command string; -x: tracing;
    -e: exiting on errors; -l: as a login shell; -s: from standard input; -i: interactively
zsh | run zsh commands from | standard input | -c: from the command string
dash | run dash commands from | standard input | -c: from the command string
ksh | run Korn shell commands from | standard input | -c: from the command string
mksh | run Korn shell commands from | standard input | -c: from the command string
csh | run C shell commands from | standard input | -c: from the command string
tcsh | run C shell commands from | standard input | -c: from the command string
fish | run fish commands from | standard input | -c: from the command string
ash | run shell commands from | standard input | -c: from the command string
busybox | run a BusyBox applet | |
python | run Python code from | standard input | -c: the code given; -m: the module given;
    -u: unbuffered; -i: interactively afterwards
python2 | run Python 2 code from | standard input | -c: the code given; -m: the module given
python3 | run Python 3 code from | standard input | -c: the code given; -m: the module given;
    -u: unbuffered
pypy | run PyPy code from | standard input | -c: the code given
pypy3 | run PyPy 3 code from | standard input | -c: the code given
ipython | run IPython | [an interactive session] |
perl | run Perl code from | standard input | -e: the code given; -n: looping over input lines;
    -p: looping and printing lines; -i: editing files in place; -l: handling line endings;
    -a: splitting fields; -w: with warnings
ruby | run Ruby code from | standard input | -e: the code given; -n: looping over input lines;
    -p: looping and printing lines; -i: editing files in place
node | run Node.js code from | standard input | -e: the code given;
    -p: printing the result of the code
nodejs | run Node.js code from | standard input | -e: the code given
deno | run Deno | |
bun | run Bun | |
php | run PHP code from | standard input | -r: the code given; -f: the file given;
    -S: as a web server
lua | run Lua code from | standard input | -e: the code given
Rscript | run R code from | | -e: the code given
octave | run Octave | [an interactive session] |
matlab | run MATLAB | [an interactive session] | -r: the code given
osascript | run AppleScript from | standard input | -e: the code given
pwsh | run PowerShell commands from | standard input | -c: the command given
tclsh | run Tcl code from | standard input |
java | run the Java program | | -jar: from a JAR file; -cp: with a class path
jshell | run Java interactively | [an interactive session] |
# --- development tools
make | build with make | [the default target] | -C: in the given directory;
    -f: with the given makefile; -j: in parallel; -n: as a dry run; -B: rebuilding everything;
    -k: keeping going after errors; -s: silently
cmake | configure or build with CMake | | -S: from the given source directory;
    -B: into the given build directory; --build: building
ninja | build with Ninja | [the default target] | -C: in the given directory
gcc | compile with GCC | | -o: into the given output; -c: without linking; -O2: optimised;
    -g: with debug information; -Wall: with warnings; -I: with an include directory;
    -l: linking a library; -E: only preprocessing; -S: to assembly
g++ | compile C++ with GCC | | -o: into the given output; -c: without linking; -O2: optimised;
    -g: with debug information; -Wall: with warnings
cc | compile C | | -o: into the given output; -c: without linking
clang | compile with Clang | | -o: into the given output; -c: without linking
cpp | run the C preprocessor on | standard input |
ld | link object files | |
javac | compile Java | | -d: into the given directory
rustc | compile Rust | | -o: into the given output
go | run the Go tool | |
cargo | run Cargo | |
npm | run npm | |
npx | run an npm package binary | |
yarn | run Yarn | [the project's dependencies] |
pnpm | run pnpm | |
pip | run pip | |
pip3 | run pip | |
uv | run uv | |
uvx | run a Python tool with uv | |
poetry | run Poetry | |
pytest | run Python tests in | the current directory | -x: stopping at the first failure;
    -k: selecting by keyword; -q: quietly; -v: verbosely; -s: without capturing output
tox | run tox test environments | [the project] |
ruff | lint Python code in | the current directory | check: checking; format: formatting;
    --fix: fixing problems
mypy | type-check Python code in | the current directory |
black | format Python code in | |
eslint | lint JavaScript code in | the current directory | --fix: fixing problems
prettier | format code in | | --write: rewriting files; --check: only checking
tsc | compile TypeScript | [the project] | --noEmit: only checking types
gem | run RubyGems | |
bundle | run Bundler | |
composer | run Composer | |
mvn | build with Maven | [the project] |
gradle | build with Gradle | [the project] |
ant | build with Ant | [the default target] |
hg | run Mercurial | |
svn | run Subversion | |
cvs | run CVS | |
docker | run Docker | |
podman | run Podman | |
kubectl | control Kubernetes | |
vagrant | control Vagrant machines | |
brew | run Homebrew | |
apt | manage Debian packages | |
apt-get | manage Debian packages | |
apt-cache | query the Debian package cache | [the package cache] |
dpkg | manage Debian packages | | -l: listing packages; -i: installing a package;
    -L: listing a package's files; -S: finding the package owning a file
yum | manage RPM packages | |
dnf | manage RPM packages | |
rpm | manage RPM packages | | -q: querying; -i: installing; -e: erasing; -a: all packages;
    -l: listing files
pacman | manage Arch packages | |
apk | manage Alpine packages | |
snap | manage snap packages | |
conda | manage conda environments | |
port | manage MacPorts packages | |
ldd | list the shared libraries needed by | |
objdump | show information about the object file | | -d: disassembling
readelf | show information about the ELF file | |
nm | list the symbols in | |
size | list the section sizes of | |
strace | trace the system calls of | |
ltrace | trace the library calls of | |
gdb | debug | |
valgrind | check memory use of | |
patch | apply a diff to | | -p: stripping path components; -R: reversing it;
    -i: from the given patch file; --dry-run: as a dry run
vim | edit | a new buffer |
vi | edit | a new buffer |
nano | edit | a new buffer |
emacs | edit | a new buffer |
ed | edit with ed | |
ex | edit with ex | |
code | open in Visual Studio Code | |
mate | open in TextMate | |
sqlite3 | run SQLite on the database | an in-memory database |
mysql | run MySQL client commands on | the MySQL server |
mysqldump | dump databases from | the MySQL server |
psql | run PostgreSQL client commands on | the PostgreSQL server |
pg_dump | dump a database from | the PostgreSQL server |
pg_restore | restore a dump into | the PostgreSQL server |
mongo | run MongoDB shell commands on | the MongoDB server |
redis-cli | run Redis commands on | the Redis server |
ffmpeg | convert audio or video | | -i: from the given input; -y: overwriting output
ffprobe | show information about the media file | |
mplayer | play the media file | |
mpv | play the media file | |
ipcs | show IPC facilities | [the IPC facilities] | -m: shared memory; -s: semaphores;
    -q: message queues
jar | work with the Java archive | | c: creating; x: extracting; t: listing
markdown | convert Markdown to HTML | standard input |
convert | convert images | |
mogrify | modify images in place | |
identify | describe the image | |
exiftool | read or write metadata of | |
mediainfo | show information about the media file | |
pandoc | convert documents | |
groff | format documents | |
pdftotext | extract text from the PDF | |
pdfunite | merge PDF files | |
antiword | extract text from the Word document | |
gpg | encrypt, decrypt or sign | | -d: decrypting; -e: encrypting; -c: symmetrically;
    --verify: verifying
base58 | base58-encode | standard input |
inotifywait | wait for file system events on | | -m: continuously; -r: recursively
# --- git
git | run git | [the git usage text] |
git status | show the working tree status | [the repository] | -s: in short format;
    -b: with branch information; --porcelain: in machine-readable format;
    -u: including untracked files
git diff | show changes in | the working tree | --cached: staged changes; --staged: staged changes;
    --stat: as a summary; --name-only: file names only; --name-status: file names and status;
    -w: ignoring whitespace; --color: in colour
git log | show the commit history of | the current branch | --oneline: one line per commit;
    -p: with patches; --stat: with change statistics; --graph: as a graph;
    -n: limited to some commits; --all: of all branches; --author: by an author;
    --since: since a date; --format: in a custom format; --pretty: in a custom format;
    --follow: following renames
git show | show the object | the last commit | --stat: with change statistics;
    --name-only: file names only
git blame | show who last changed each line of | | -L: for some lines
git annotate | show who last changed each line of | |
git shortlog | summarise the commit history | the current branch | -s: counts only;
    -n: sorted by count
git describe | describe the commit by tag | the current commit | --tags: using any tag;
    --always: falling back to an abbreviated id
git rev-parse | parse revision names | [| --abbrev-ref: as a branch name;
    --show-toplevel: printing the top-level directory; --short: abbreviated;
    --git-dir: printing the .git directory]
git rev-list | list commits | | --count: counting them
git ls-files | list tracked files | [the repository] | -m: modified files; -o: untracked files;
    -d: deleted files; --others: untracked files; --exclude-standard: honouring ignore files
git ls-tree | list a tree object | | -r: recursively; --name-only: names only
git cat-file | show a repository object | | -p: pretty-printed; -t: its type; -s: its size
git grep | search tracked files for | the repository | -i: ignoring case; -n: with line numbers;
    -l: printing only file names
git merge-base | find a common ancestor of commits | |
git name-rev | name a commit by reference | |
git show-ref | list references | [the repository] |
git for-each-ref | list references | [the repository] |
git count-objects | count repository objects | [the repository] |
git whatchanged | show the commit history with changes | the current branch |
git version | print the git version | [git] |
git diff-tree | compare trees | |
git diff-files | compare the working tree and index | [the repository] |
git diff-index | compare a tree and the working tree | |
git check-ignore | check whether paths are ignored | |
git check-attr | show attributes of paths | |
git var | show a git variable | |
git cherry | find commits not yet upstream | [the current branch] |
git range-diff | compare commit ranges | |
git show-branch | show branches and their commits | [the branches] |
git verify-pack | check packed archives | |
git fsck | check repository integrity | [the repository] |
git branch | list, create or delete branches | [the local branches] | -a: all branches;
    -r: remote branches; -v: with the last commit; -d: deleting a merged branch;
    -D: deleting a branch even if unmerged; -m: renaming; --list: listing;
    --show-current: printing the current branch
git tag | list, create or delete tags | [the tags] | -l: listing; -a: annotated; -d: deleting;
    -m: with a message
git config | read or set git configuration | [the configuration] | --get: reading a value;
    --global: in the user configuration; --local: in the repository configuration;
    -l: listing everything; --list: listing everything; --unset: removing a value
git remote | list or manage remotes | [the remotes] | -v: with URLs
git stash | stash or restore uncommitted changes | [the working tree changes] |
    list: listing stashes; pop: restoring the latest stash; apply: applying a stash;
    drop: deleting a stash; show: showing a stash; clear: deleting all stashes
git reflog | show the reference log | [HEAD] |
git worktree | manage working trees | | list: listing
git notes | manage commit notes | |
git submodule | manage submodules | [the submodules] | update: updating; init: initialising;
    status: showing status
git add | stage changes in | | -A: all changes; -u: tracked files only; -p: interactively by hunk;
    -f: including ignored files; .: everything here
git commit | record a commit | [the staged changes] | -m: with the given message;
    -a: including all tracked changes; --amend: rewriting the last commit;
    --no-verify: skipping hooks; -S: signed
git push | push commits to | the upstream branch | -f: forcing, overwriting remote history;
    --force: forcing, overwriting remote history;
    --force-with-lease: forcing if the remote has not moved; -u: setting the upstream;
    --tags: including tags; --delete: deleting a remote branch
git pull | fetch and merge from | the upstream branch | --rebase: rebasing instead of merging;
    --ff-only: only fast-forwarding
git fetch | fetch from | the default remote | --all: from all remotes;
    --prune: removing stale branches; --tags: including tags
git clone | clone the repository | | --depth: shallowly; -b: checking out a branch;
    --recursive: with submodules
git init | create a repository in | the current directory | --bare: without a working tree
git checkout | switch branches or restore files | | -b: creating a branch;
    -B: creating or resetting a branch; -f: discarding local changes;
    --: restoring the listed files; .: discarding all changes here
git switch | switch branches | | -c: creating a branch; --discard-changes: discarding local changes
git restore | restore working tree files | | --staged: unstaging; --source: from the given commit;
    .: everything here
git reset | reset the current branch | [the index] | --hard: discarding all uncommitted changes;
    --soft: keeping changes staged; --mixed: keeping changes unstaged
git revert | revert commits | |
git merge | merge into the current branch | | --no-ff: always creating a merge commit;
    --abort: aborting the merge; --squash: squashing
git rebase | rebase the current branch | | -i: interactively; --onto: onto another base;
    --continue: continuing; --abort: aborting
git cherry-pick | apply existing commits | |
git rm | remove from the repository and disk | | --cached: only from the index; -r: recursively;
    -f: forcing
git mv | move or rename tracked files | |
git clean | delete untracked files | the working tree | -f: forcing; -d: including directories;
    -x: including ignored files; -n: as a dry run
git apply | apply a patch to | | --check: only checking; --stat: only summarising
git am | apply patches from mailboxes | |
git format-patch | write commits as patch files | |
git archive | create an archive of a tree | | -o: into the given file; --format: in the given format
git bundle | bundle objects and references | |
git gc | clean up and optimise the repository | [the repository] | --prune: pruning loose objects;
    --aggressive: aggressively
git prune | prune unreachable objects | [the repository] |
git bisect | find a commit by binary search | |
git ls-remote | list references in the remote | the default remote |
git send-email | send patches by email | |
git request-pull | summarise changes for a pull request | |
git update-index | change the index | |
git update-ref | change a reference | |
git symbolic-ref | read or change a symbolic reference | |
git filter-branch | rewrite history | |
git help | show git help | |
git lfs | run Git LFS | |
# --- package manager subcommands
npm install | install npm packages | [the project's dependencies] | -g: globally;
    -D: as development dependencies; --save-dev: as development dependencies
npm i | install npm packages | [the project's dependencies] | -g: globally;
    -D: as development dependencies
npm ci | install npm packages exactly as locked | [the project's dependencies] |
npm test | run the project's test script | [the project's test script] |
npm run | run the package script | |
npm start | run the project's start script | [the project's start script] |
npm publish | publish the package | [the current package] |
npm ls | list installed packages | [the project's dependencies] |
npm view | show package information for | |
npm audit | audit dependencies for vulnerabilities | [the project's dependencies] | fix: fixing them
npm update | update packages | [the project's dependencies] |
npm uninstall | remove npm packages | |
npm init | create a package.json | [the current directory] |
npm exec | run a package binary | |
pip install | install Python packages | | -r: from a requirements file; -e: in editable mode;
    -U: upgrading; --user: for the current user
pip3 install | install Python packages | | -r: from a requirements file; -e: in editable mode;
    -U: upgrading
pip uninstall | remove Python packages | | -y: without asking
pip3 uninstall | remove Python packages | | -y: without asking
pip list | list installed Python packages | [the environment] |
pip3 list | list installed Python packages | [the environment] |
pip freeze | list installed Python packages as requirements | [the environment] |
pip3 freeze | list installed Python packages as requirements | [the environment] |
pip show | show information about installed packages | |
pip download | download Python packages | |
uv pip | manage Python packages with uv | |
uv run | run a command in the project environment | |
uv sync | install the project's locked dependencies | [the project] |
uv add | add dependencies to the project | |
uv lock | lock the project's dependencies | [the project] |
uv venv | create a virtual environment | [.venv] |
cargo build | build the Rust project | [the project] | --release: optimised
cargo test | run the Rust project's tests | [the project] |
cargo run | build and run the Rust project | [the project] |
cargo check | check the Rust project | [the project] |
cargo install | install a Rust binary | |
cargo add | add dependencies to the Rust project | |
cargo fmt | format the Rust project | [the project] |
cargo clippy | lint the Rust project | [the project] |
go build | build Go packages | [the current package] | -o: into the given output
go test | test Go packages | [the current package] | -v: verbosely; -run: selecting tests
go run | build and run the Go program | |
go get | add Go dependencies | |
go install | build and install Go packages | |
go mod | manage Go modules | | tidy: tidying dependencies; download: downloading dependencies;
    init: creating a module
go vet | check Go packages | [the current package] |
go fmt | format Go packages | [the current package] |
yarn add | add packages | |
yarn install | install the project's dependencies | [the project's dependencies] |
yarn test | run the project's test script | [the project's test script] |
yarn run | run the package script | |
pnpm install | install the project's dependencies | [the project's dependencies] |
pnpm add | add packages | |
docker run | run a container from the image | | -it: interactively with a terminal;
    -d: in the background; --rm: removing it afterwards; -v: mounting a volume;
    -p: publishing a port; -e: setting an environment variable;
    --privileged: with full host privileges
docker build | build an image from | | -t: tagging it; -f: from the given Dockerfile
docker ps | list containers | [the running containers] | -a: including stopped ones
docker images | list images | [the local images] |
docker exec | run a command in the container | | -it: interactively with a terminal
docker pull | download the image | |
docker push | upload the image | |
docker rm | remove containers | | -f: forcing
docker rmi | remove images | | -f: forcing
docker logs | show the container's logs | | -f: following new output
docker compose | run Docker Compose | |
docker stop | stop containers | |
docker inspect | show details of | |
apt-get install | install Debian packages | | -y: without asking
apt-get update | refresh the package lists | [the package lists] |
apt-get remove | remove Debian packages | | -y: without asking
apt-get upgrade | upgrade all packages | [the installed packages] | -y: without asking
apt install | install Debian packages | | -y: without asking
apt update | refresh the package lists | [the package lists] |
apt remove | remove Debian packages | | -y: without asking
yum install | install RPM packages | | -y: without asking
yum update | update RPM packages | [the installed packages] |
yum list | list RPM packages | [the package lists] |
yum search | search RPM packages for | |
brew install | install Homebrew packages | |
brew update | update Homebrew | [Homebrew] |
brew upgrade | upgrade Homebrew packages | [the installed packages] |
brew list | list Homebrew packages | [the installed packages] |
"""


def _parse(table: str) -> dict[str, ProgramInfo]:
    out: dict[str, ProgramInfo] = {}
    joined: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith("    ") and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    for line in joined:
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("|")]
        cols += [""] * (4 - len(cols))
        name, verb, default, flag_text = cols[:4]
        flags: dict[str, str] = {}
        for item in flag_text.split("; "):
            key, sep, meaning = item.partition(": ")
            if sep:
                flags[key.strip()] = meaning.strip()
        bracketed = default.startswith("[") and default.endswith("]")
        out[name] = ProgramInfo(name, verb, default.strip("[]"), flags, not bracketed)
    return out


PROGRAMS: dict[str, ProgramInfo] = _parse(_TABLE)
"""Descriptions by program name, or ``"program subcommand"`` (``"git status"``)."""


def describe(program: str, subcommand: str = "") -> ProgramInfo | None:
    """The description for ``program`` (and its subcommand when one is listed), or ``None``."""
    if subcommand and f"{program} {subcommand}" in PROGRAMS:
        return PROGRAMS[f"{program} {subcommand}"]
    base = program
    if base not in PROGRAMS:
        stripped = base.rstrip("0123456789.")
        if stripped in PROGRAMS and stripped in ("python", "pip", "pypy", "perl", "ruby",
                                                 "php", "lua", "node"):
            base = stripped
    return PROGRAMS.get(base)
