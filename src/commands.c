/*
 * commands.c - the command table and the help that teaches.
 *
 * Each row: name, handler, usage, one-line summary, the teaching text shown
 * by "migcheck NAME --help", and examples. The options a command takes are
 * the option rows (options.c) that name it.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "report/render.h"

#include "version.h"

const struct mc_command mc_commands[] = {
  { "ports", mc_cmd_check, mc_check_ports_cli, "HOST [PORT...]",
    "is the port reachable? (a telnet test, every address at once)",
    "Resolves HOST to all its addresses (IPv4 and IPv6) and connects to every\n"
    "port on every address at the same time, as a telnet test would. Each\n"
    "result is open, refused (TCP_REFUSED: nothing listens, or a firewall rejects),\n"
    "no answer (TCP_TIMEOUT: a firewall drops), reset or closed right after the\n"
    "connect (TCP_RESET: a device in front), or unreachable from here. A public\n"
    "name that resolves to a private or loopback address is a warning\n"
    "(DNS_PRIVATE_ADDRESS): Exchange Online connects from the internet.\n"
    "Default port: 443. --legacy-rpc adds 6001, 6002 and 6004, which Exchange\n"
    "2003 and 2007 cutover migrations need.",
    "migcheck ports mail.contoso.com\n"
    "migcheck ports mail.contoso.com 443 80 --legacy-rpc\n"
    "migcheck ports mail.contoso.com --resolve mail.contoso.com:443:203.0.113.10" },
  { "tls", mc_cmd_check, mc_check_tls_cli, "HOST[:PORT]",
    "which TLS versions, which certificate, would a strict client trust it?",
    "Connects to HOST (port 443 by default) and tries TLS 1.0, 1.1, 1.2 and 1.3\n"
    "each on its own, then reads the whole certificate chain the server sends:\n"
    "subject, names (SANs), issuer, validity, key and signature algorithm. The\n"
    "chain is verified against the system's trust store (plus --ca-file) the\n"
    "way Exchange Online does. Causes it names: TLS_NOT_TLS (the port speaks\n"
    "plain HTTP: SSL offloading or the wrong port), TLS_HANDSHAKE_FAILED,\n"
    "TLS_PROTOCOL_TOO_OLD (nothing at TLS 1.2 or above), TLS_CERT_UNTRUSTED,\n"
    "TLS_CERT_CHAIN_INCOMPLETE (the intermediate is not sent),\n"
    "TLS_CERT_NAME_MISMATCH, TLS_CERT_EXPIRED and TLS_CERT_EXPIRES_SOON (within\n"
    "30 days: a warning).\n"
    "The first handshake is Exchange Online's own: TLS 1.2-1.3 with Windows Server\n"
    "2022 Schannel's default suites and groups; refused there twice but accepted\n"
    "with every suite is TLS_CLOUD_CIPHER_MISMATCH. Then which of those suites the\n"
    "server accepts, one handshake each, all at once; a suite with no answer in\n"
    "time is tried again alone, and one still unanswered is not known (no answer\n"
    "is never a refusal). Every A/AAAA address of the name is walked and compared\n"
    "(DNS_ADDRESSES_DISAGREE).",
    "migcheck tls mail.contoso.com\n"
    "migcheck tls mail.contoso.com:443 --sni autodiscover.contoso.com\n"
    "migcheck tls 203.0.113.10 --sni mail.contoso.com --json" },
  { "remote-move", mc_cmd_check, mc_check_remote_move_cli,
    "--server HOST[:PORT] | --email ADDRESS --autodiscover [--user DOMAIN\\USER] [--repeat N]",
    "can Exchange Online's MRS reach /EWS/mrsproxy.svc and sign in? (hybrid remote move)",
    "Walks the path Exchange Online's Mailbox Replication Service takes to\n"
    "https://HOST/EWS/mrsproxy.svc and stops at the hop that breaks: DNS, TCP 443,\n"
    "TLS (would Exchange Online trust the certificate?), then the front door\n"
    "without credentials: /EWS/Exchange.asmx and /EWS/mrsproxy.svc, who answered\n"
    "(Exchange, and which version, or a device in front), which sign-in schemes\n"
    "are offered. With --user it signs in with NTLM the way MRS does (NTLMv2 with\n"
    "the channel binding Extended Protection checks; --no-channel-binding leaves\n"
    "it out) and sends a SOAP request to MRSProxy (then Basic, where offered: after\n"
    "an NTLM refusal one Basic login tells Extended Protection from a wrong\n"
    "password). Then one MRS-sized POST (6 MiB of well-formed SOAP, signed in when\n"
    "the login worked): a 413, IIS's 404.13, a dropped upload or WCF's 400 is\n"
    "HTTP_REQUEST_TOO_LARGE or MRSPROXY_WCF_QUOTA, with the sizes that passed and\n"
    "failed (bisected; --no-large-request skips it). Last, --repeat N new\n"
    "connections show which servers behind a load balancer answer and whether\n"
    "they agree (a 'passive' server left in the pool, or Exchange 2010 without\n"
    "session persistence). Causes: HTTP_PREAUTH, EWS_NOT_PUBLISHED,\n"
    "MRSPROXY_URL_BLOCKED, MRSPROXY_HANDLER_MISSING, EWS_WINDOWS_AUTH_DISABLED,\n"
    "EWS_BASIC_AUTH_DISABLED, HTTP_SERVICE_UNAVAILABLE, HTTP_SERVER_ERROR,\n"
    "HTTP_TIMEOUT, HTTP_RESPONSE_HEADER_TOO_LARGE, AUTH_BAD_CREDENTIALS,\n"
    "AUTH_EXTENDED_PROTECTION, AUTH_NTLM_CHALLENGE_BROKEN, AUTH_NEGOTIATE_BLOCKED,\n"
    "MRSPROXY_DISABLED, LB_INCONSISTENT_BACKENDS, LB_NO_AFFINITY,\n"
    "HTTP_REQUEST_TOO_LARGE, MRSPROXY_WCF_QUOTA, HTTP_UNEXPECTED_STATUS,\n"
    "DNS_ADDRESSES_DISAGREE, and those of DNS, TCP and TLS.\n"
    "The password is read from MIGCHECK_PASSWORD, --password-file or a prompt\n"
    "without echo, and never printed. Every request carries ?migcheck=RUN-ID and\n"
    "the run id in its User-Agent, so the servers' IIS logs show where it landed.\n"
    "With --email ADDRESS --autodiscover the host comes from Autodiscover first\n"
    "(see 'migcheck autodiscover'): the Outlook Anywhere external host, as\n"
    "Test-MigrationServerAvailability -Autodiscover takes it; when EWS is published\n"
    "under another name it warns (AUTODISCOVER_WRONG_MRS_HOST).\n"
    "--endpoint-file FILE takes RemoteServer and Username from Get-MigrationEndpoint\n"
    "output, as Exchange Online holds them, and judges them: ENDPOINT_INTERNAL_NAME,\n"
    "ENDPOINT_PORT_NOT_443 ('migcheck config --collect' prints the command).",
    "migcheck remote-move --server mail.contoso.com\n"
    "MIGCHECK_PASSWORD=... migcheck remote-move --server mail.contoso.com --user 'CONTOSO\\migadmin'\n"
    "migcheck remote-move --server mail.contoso.com --user 'CONTOSO\\migadmin' --repeat 20 --json\n"
    "migcheck remote-move --email migadmin@contoso.com --autodiscover --user 'CONTOSO\\migadmin'\n"
    "migcheck remote-move --endpoint-file endpoints.txt --endpoint 'Hybrid Migration Endpoint'" },
  { "outlook-anywhere", mc_cmd_check, mc_check_outlook_anywhere_cli,
    "--exchange-server NAME --rpc-proxy HOST[:PORT] | --email ADDRESS --autodiscover\n"
    "[--auth basic|ntlm] [--user DOMAIN\\USER]",
    "can a cutover/staged migration reach Exchange over RPC over HTTP (Outlook Anywhere)?",
    "Walks the path a cutover or staged migration takes to the source Exchange:\n"
    "DNS, TCP 443 and TLS to the RPC proxy (--rpc-proxy, the endpoint's\n"
    "RPCProxyServer), then /rpc/rpcproxy.dll without credentials (is it published,\n"
    "does it offer Basic, the endpoint's default), and MAPI over HTTP for\n"
    "information. With --user, for each of 6001 (EMSMDB), 6002 (RFR) and 6004\n"
    "(NSPI) it opens an RPC over HTTP v2 virtual connection to\n"
    "--exchange-server:PORT through the proxy (IN and OUT channels, CONN/A1, B1,\n"
    "A3, C2) and binds that port's interface, the way the migration service\n"
    "does before its first NspiBind. When the proxy refuses a name:port it tries\n"
    "the short and public names too, and prints the RpcProxy ValidPorts value to\n"
    "set. Causes: OA_NOT_PUBLISHED, OA_BASIC_NOT_OFFERED, OA_PORT_NOT_ALLOWED,\n"
    "OA_BACKEND_UNAVAILABLE, OA_SERVER_NAME_UNRESOLVED, OA_BIND_REJECTED,\n"
    "AUTH_BAD_CREDENTIALS, AUTH_EXTENDED_PROTECTION, AUTH_NTLM_CHALLENGE_BROKEN,\n"
    "OA_REVERSE_PROXY_BUFFERING, HTTP_PREAUTH,\n"
    "HTTP_SERVICE_UNAVAILABLE, HTTP_TIMEOUT, and those of DNS, TCP and TLS.\n"
    "The password is read from MIGCHECK_PASSWORD, --password-file or a prompt\n"
    "without echo, and never printed. Requests carry the run id in the\n"
    "User-Agent (the RPC query must stay SERVER:PORT).\n"
    "With --email ADDRESS --autodiscover both names come from Autodiscover first\n"
    "(see 'migcheck autodiscover'): the RPC proxy is the Outlook Anywhere external\n"
    "host and the server the RPC server Autodiscover names (the mailbox-GUID name\n"
    "on Exchange 2013 and later), as Test-MigrationServerAvailability\n"
    "-ExchangeOutlookAnywhere -Autodiscover takes them; an answer without them is\n"
    "AUTODISCOVER_NO_OA_SETTINGS.\n"
    "--endpoint-file FILE takes RpcProxyServer, ExchangeServer, Authentication and\n"
    "Username from Get-MigrationEndpoint output, as Exchange Online holds them, and\n"
    "judges them: ENDPOINT_INTERNAL_NAME, ENDPOINT_OA_AUTH_NTLM, ENDPOINT_PORT_NOT_443.",
    "migcheck outlook-anywhere --exchange-server ex01.contoso.local --rpc-proxy mail.contoso.com\n"
    "MIGCHECK_PASSWORD=... migcheck outlook-anywhere --exchange-server ex01.contoso.local "
    "--rpc-proxy mail.contoso.com --user 'CONTOSO\\migadmin'\n"
    "migcheck outlook-anywhere --exchange-server ex01.contoso.local --rpc-proxy mail.contoso.com "
    "--auth ntlm --user 'CONTOSO\\migadmin' --json\n"
    "migcheck outlook-anywhere --email migadmin@contoso.com --autodiscover --user 'CONTOSO\\migadmin'" },
  { "autodiscover", mc_cmd_check, mc_check_autodiscover_cli,
    "--email ADDRESS [--user DOMAIN\\USER] [--allow-redirect DOMAIN]",
    "can Autodiscover find the server for this mailbox, safely? (the endpoint wizard's way)",
    "Walks the order in which clients, and Exchange Online's endpoint wizard, look\n"
    "for Autodiscover, each attempt a step with its DNS, connection, TLS and HTTP\n"
    "results: POST https://DOMAIN/autodiscover/autodiscover.xml, then\n"
    "https://autodiscover.DOMAIN/..., then the unauthenticated redirect on\n"
    "http://autodiscover.DOMAIN/..., then the SRV record _autodiscover._tcp.DOMAIN.\n"
    "The POX answer is read (EXCH, EXPR and WEB sections, EwsUrl, Server,\n"
    "AuthPackage, redirectAddr and redirectUrl, followed at most 10 times), then\n"
    "GetUserSettings on /autodiscover/autodiscover.svc asks for what the migration\n"
    "service asks for (UserDN, InternalRpcClientServer, InternalMailboxServer,\n"
    "ExternalMailboxServer, ExternalMailboxServerAuthenticationMethods,\n"
    "ExternalEwsUrl). Credentials are sent only over https to hosts in the\n"
    "address's domain: a redirect anywhere else, or a password prompt over plain\n"
    "http, stops the walk (the 2021 autodiscover.TLD leak) unless --allow-redirect\n"
    "names that domain. Causes: AUTODISCOVER_NOT_FOUND, AUTODISCOVER_AUTH_FAILED,\n"
    "AUTODISCOVER_BAD_RESPONSE, AUTODISCOVER_INTERNAL_URL, AUTODISCOVER_REDIRECT_LOOP,\n"
    "AUTODISCOVER_UNSAFE_REDIRECT, AUTODISCOVER_NO_OA_SETTINGS,\n"
    "CFG_EWS_EXTERNAL_URL_MISSING. Without --user the walk stops at the first\n"
    "service that asks for credentials (verdict unknown).",
    "MIGCHECK_PASSWORD=... migcheck autodiscover --email alice@contoso.com --user 'CONTOSO\\alice'\n"
    "migcheck autodiscover --email alice@contoso.com --dns-server 192.0.2.53\n"
    "migcheck autodiscover --email alice@contoso.com --user alice@contoso.com --allow-redirect contoso-hosting.net" },
  { "imap", mc_cmd_check, mc_check_imap_cli,
    "HOST[:PORT] [--security ssl|tls|none] [--user USER]",
    "does the IMAP server answer, encrypt and sign in? (IMAP migration endpoint)",
    "Walks the path an IMAP migration endpoint takes (New-MigrationEndpoint\n"
    "-IMAP, Test-MigrationServerAvailability -Imap -RemoteServer -Port\n"
    "-Security). --security ssl (the default, port 993) is IMAP inside TLS: DNS,\n"
    "TCP, the TLS walk (certificate and versions, as migcheck tls), then IMAP.\n"
    "--security tls (port 143) starts in clear and must upgrade with STARTTLS;\n"
    "--security none (port 143) stays in clear. The check reads the greeting\n"
    "and the capabilities; with --user it signs in (LOGIN) and lists the\n"
    "mailboxes, as the migration service does before it copies anything.\n"
    "Causes: IMAP_NOT_IMAP (the port greets as something else, or not at all),\n"
    "IMAP_NO_TLS (no STARTTLS for --security tls; a warning for --security\n"
    "none, where the password would cross in clear text), IMAP_LOGIN_DISABLED\n"
    "(LOGINDISABLED: Exchange's default on 143 before STARTTLS),\n"
    "IMAP_AUTH_FAILED (the server refused the login). The password never comes\n"
    "from the command line: MIGCHECK_PASSWORD, --password-file or a prompt.\n"
    "--endpoint-file FILE takes RemoteServer, Port, Security and Username from\n"
    "Get-MigrationEndpoint output and judges them (ENDPOINT_INTERNAL_NAME,\n"
    "ENDPOINT_IMAP_SECURITY_PORT).",
    "migcheck imap mail.contoso.com\n"
    "MIGCHECK_PASSWORD=... migcheck imap mail.contoso.com --user alice@contoso.com\n"
    "migcheck imap mail.contoso.com:143 --security tls --user 'contoso/mailadmin/alice'" },
  { "logs", mc_cmd_check, mc_check_logs_cli, "[PATH...] [--since T] [--until T] [--run-id ID]",
    "did the migration requests reach IIS, and what did it answer? (server logs)",
    "Reads IIS W3C logs (W3SVC1, W3SVC2), HTTPERR logs and Exchange HttpProxy\n"
    "logs: files, folders (searched recursively) and .gz files, in any mix. Each\n"
    "file's format comes from its own header lines (#Fields, in any order, may\n"
    "change within a file). The server a file belongs to comes from --server\n"
    "NAME=PATH, the s-computername field, or the path (\\\\EX01\\..., EX01/W3SVC1/...).\n"
    "It counts the requests to /EWS/mrsproxy.svc, /rpc/rpcproxy.dll, Autodiscover,\n"
    "EWS and /mapi per server, status.substatus.win32 (decoded: 401.1.2148074254\n"
    "is the normal first NTLM leg, 401.1.2148074252 a bad password), client and\n"
    "hour, and names the cause: LOG_NO_MIGRATION_TRAFFIC (nothing arrived: look at\n"
    "the firewall), LOG_TRAFFIC_ON_WRONG_SERVER, LOG_AUTH_FAILURES, LOG_NTLM_SPLIT,\n"
    "LOG_SERVER_ERRORS, HTTPERR_CONNECTION_DROPPED, HTTPERR_QUEUE_FULL and\n"
    "PROXY_BACKEND_ERRORS, each with the log line that shows it (file:line).\n"
    "Times are UTC, as IIS writes them. --run-id finds the requests a migcheck\n"
    "remote check sent (reproduce the failure, then look for it in the logs).\n"
    "--json adds a \"traffic\" object per endpoint (docs/json-schema.md).\n"
    "All CPUs are used (MIGCHECK_THREADS=N sets how many). --summary FILE also\n"
    "writes the counts to a small file; on one machine, --merge FILE... judges\n"
    "such summaries from every server as one run over all their logs.\n"
    "migcheck.exe, run on the Exchange server itself, reads the standard folders\n"
    "when no PATH is given: C:\\inetpub\\logs\\LogFiles, the HTTPERR folder and\n"
    "Exchange's Logging\\HttpProxy, those that exist, and says which it read.",
    "migcheck logs ./EX01/W3SVC1 ./EX02/W3SVC1\n"
    "migcheck logs \\\\EX01\\c$\\inetpub\\logs\\LogFiles --since 2024-03-12T08:00\n"
    "migcheck logs u_ex240312.log.gz --server EX01=u_ex240312.log.gz --json\n"
    "migcheck logs ./logs --run-id mc-0123456789ab\n"
    "migcheck logs D:\\logs --summary EX01.mcsum     (on each server)\n"
    "migcheck logs --merge EX01.mcsum EX02.mcsum       (centrally)\n"
    "migcheck.exe logs --summary EX01.mcsum" },
  { "config", mc_cmd_config, NULL, "FILE|FOLDER... | --collect",
    "check what you paste from PowerShell and the registry against Microsoft's rules",
    "Reads the output of PowerShell's Format-List ('| fl') and registry exports\n"
    "you bring back from the Exchange server, recognises each input by its\n"
    "content (not its name): Get-WebServicesVirtualDirectory,\n"
    "Get-OutlookAnywhere, Get-MapiVirtualDirectory, Get-ExchangeServer,\n"
    "Test-MigrationServerAvailability, and 'reg export' or 'reg query' of\n"
    "HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy, the SCHANNEL Protocols key, the\n"
    ".NET Framework keys, the Lsa key and the cipher suite order policy, and\n"
    "IIS's applicationHost.config.\n"
    "UTF-16LE with BOM (what '>' and\n"
    "regedit write), UTF-8 with or without BOM, values wrapped at the console\n"
    "width and several objects per file are all read. Each rule names the\n"
    "server and the exact command that fixes it: CFG_MRSPROXY_DISABLED,\n"
    "CFG_EWS_EXTERNAL_URL_MISSING, CFG_EWS_AUTH_METHODS (Windows or Basic off),\n"
    "CFG_OA_AUTH_NOT_BASIC, CFG_OA_SSL_OFFLOADING, CFG_VALIDPORTS_MISSING (which\n"
    "name lacks which port, and the whole value to set; wildcard entries such\n"
    "as EX*:6001-6002 count). A value over 64 KiB is CFG_VALUE_TOO_LONG, never\n"
    "empty. From the registry: CFG_TLS12_DISABLED, CFG_DOTNET_TLS_NOT_DEFAULT,\n"
    "CFG_TLS_CIPHER_ORDER, CFG_EP_SUPPRESSED and CFG_EP_NTLMV1 (failures when an\n"
    "input shows Extended Protection on). From applicationHost.config:\n"
    "CFG_IIS_BINDING, CFG_EP_MISMATCH (Microsoft's tokenChecking table),\n"
    "CFG_EP_SSL_OFFLOADING, CFG_IIS_AUTH_DISABLED, CFG_IIS_REQUEST_LIMIT,\n"
    "CFG_IIS_IP_RESTRICTED, CFG_IIS_PATH_BLOCKED. Get-ExchangeCertificate and\n"
    "netsh http show sslcert: CFG_CERT_IIS_INVALID, CFG_CERT_BINDING_MISSING; a\n"
    "'migcheck tls --json' report given too: CFG_CERT_NOT_BOUND; any remote\n"
    "report: which of its causes the settings explain. MRS limits:\n"
    "CFG_MRS_CONNECTIONS. A FOLDER (what --collect's script fills) stands for\n"
    "the files in it. Several servers given:\n"
    "a setting that differs between them is CFG_SERVERS_DIFFER (a 'passive'\n"
    "server left in the pool). A failed Test-MigrationServerAvailability is\n"
    "explained as 'migcheck explain' would. --collect prints the read-only script to run.",
    "migcheck config --collect > collect.ps1\n"
    "migcheck config migcheck-EX01 migcheck-EX02\n"
    "migcheck config ews-vdir.txt outlookanywhere.txt exchange-servers.txt rpcproxy.reg\n"
    "migcheck config rpcproxy.reg --json" },
  { "batch", mc_cmd_batch, NULL, "FILE [--parallel N] [--json|--jsonl] [--csv FILE] [--html FILE]",
    "many endpoints at once: a CSV of checks, or Get-MigrationEndpoint output",
    "Runs one check per row of FILE, at most --parallel at a time (default 8),\n"
    "each in its own process with its own run id, and prints a table that fills\n"
    "as rows finish (row, check, target, verdict, first cause, time), then a\n"
    "summary: how many rows pass, warn, fail or are unknown, and the causes that\n"
    "recur across rows. FILE is either a CSV with a header row, columns check\n"
    "(ports, tls, remote-move, outlook-anywhere, autodiscover, imap), target,\n"
    "user, password_env (the name of an environment variable that holds the\n"
    "password), password_file, exchange_server, auth, security, args (more\n"
    "options, separated by blanks), name and notes; or the output of\n"
    "Get-MigrationEndpoint (Format-List, Export-Csv or ConvertTo-Json), one row\n"
    "per endpoint, checked as 'migcheck CHECK --endpoint-file FILE' would. A\n"
    "column that would hold passwords is refused: a batch file gets copied and\n"
    "mailed. --timeout, --resolve, --dns-server, --ca-file, --insecure and\n"
    "--password-file apply to every row that does not set its own. A row that\n"
    "cannot run (an unknown check, a missing password variable, a bad target)\n"
    "says why in its row and the batch goes on. Ctrl-C stops: the rows that\n"
    "finished are printed with the summary (exit 130). Outputs: --json (one\n"
    "document with every row's full report), --jsonl (a line per row as it\n"
    "finishes, then a summary line), --csv FILE, --html FILE (one page, each row\n"
    "linking to its report). Exit code: the worst verdict (1 for a fail or a\n"
    "warning, 3 when the worst is unknown or a row could not run, else 0).",
    "migcheck batch endpoints.csv\n"
    "MIGCHECK_PW_CONTOSO=... migcheck batch endpoints.csv --parallel 16 --html batch.html\n"
    "migcheck batch get-migrationendpoint.txt --jsonl\n"
    "migcheck batch endpoints.csv --json > batch.json" },
  { "explain", mc_cmd_explain, NULL, "[TEXT... | -]",
    "name the cause of a pasted error message (migration report, PowerShell, HCW)",
    "Reads an error text, from the arguments or from standard input ('-', or\n"
    "when input is piped; at most 1 MiB is read), undoes what pasting does\n"
    "(line breaks inside words, doubled spaces, curly quotes, '-->' or '--->',\n"
    "host names, GUIDs and addresses of your own) and matches it against the\n"
    "error signatures migcheck knows (lib/kb/signatures.c). It prints the\n"
    "causes, most likely first, with the words that matched, the fix, and the\n"
    "migcheck command that confirms each one (e.g. 'migcheck outlook-anywhere'\n"
    "for 0x6ba from cli_NspiBind, 'migcheck remote-move' for a 403 on\n"
    "mrsproxy.svc). A wrapper message alone ('could not be completed') lists\n"
    "its usual inner causes. Text it does not recognise gets no invented cause.\n"
    "Exit codes here: 1 a cause recognised, 3 nothing recognised (verdict\n"
    "unknown: run the remote checks), 2 no text.",
    "migcheck explain \"Error 0x6ba (The RPC server is unavailable) from cli_NspiBind\"\n"
    "pbpaste | migcheck explain\n"
    "migcheck explain - < migration-report.txt --json" },
  { "causes", mc_cmd_causes, NULL, "[ID...]",
    "the cause catalogue: every cause id, why it breaks, how to fix it",
    "Without an ID, lists every cause id with its title. With IDs, prints each\n"
    "cause in full: why it breaks the migration, the numbered fix with the exact\n"
    "PowerShell, registry or firewall change, the migcheck command that\n"
    "confirms it, and where the knowledge comes from. Ids are stable: scripts\n"
    "may key on them.",
    "migcheck causes\n"
    "migcheck causes OA_PORT_NOT_ALLOWED\n"
    "migcheck causes --json" },
  { "lab", mc_cmd_lab, NULL, "[--scenario NAME] [--list]",
    "serve the built-in simulator of a misconfigured on-premises server",
    "Starts the lab on loopback (ports picked by the kernel, a CA and\n"
    "certificates made at start) and serves scenarios until interrupted with\n"
    "Ctrl-C. For each scenario it prints the migcheck command that exercises\n"
    "it, with the --resolve and --ca-file arguments to use. --list prints the\n"
    "scenarios and the causes each must produce. --all also writes a batch file\n"
    "that checks every scenario (its path is printed; --csv FILE writes it there\n"
    "too): run it with 'migcheck batch FILE'.",
    "migcheck lab --list\n"
    "migcheck lab --all --csv lab-batch.csv\n"
    "migcheck lab --scenario self-signed\n"
    "migcheck lab" },
  { "demo", mc_cmd_demo, NULL, "",
    "run every lab scenario against its check and show what was found",
    "Starts the lab in-process, runs the matching check against every scenario\n"
    "and prints a table: scenario, what migcheck found, the cause ids, the time\n"
    "taken. Exits 0 only when every scenario was diagnosed as its cause.",
    "migcheck demo" },
  { "version", mc_cmd_version, NULL, "", "print the version", "Prints migcheck's version.",
    "migcheck version" },
};
const size_t mc_ncommands = sizeof mc_commands / sizeof mc_commands[0];

int mc_cmd_check(struct mc_cli *cli)
{
  struct mc_report *r = NULL;
  mc_cli_progress(cli, true);
  int rc = cli->cmd->check(cli, &r);
  mc_cli_progress(cli, false);
  if(!r)
    return rc;
  return mc_cli_finish(cli, r);
}

struct mc_report *mc_cli_run_check(int argc, char **argv, int *code)
{
  const struct mc_command *cmd = argc > 0 ? mc_cli_find_command(argv[0]) : NULL;
  struct mc_report *r = NULL;
  if(!cmd || !cmd->check) {
    *code = MC_EXIT_USAGE;
    return NULL;
  }
  struct mc_cli cli = { 0 };
  *code = mc_cli_parse(&cli, cmd, argc - 1, argv + 1);
  if(*code == 0)
    *code = cmd->check(&cli, &r);
  if(r)
    mc_cli_facts(&cli, r);
  mc_cli_release(&cli);
  return r;
}

const struct mc_command *mc_cli_find_command(const char *name)
{
  for(size_t i = 0; i < mc_ncommands; i++) {
    if(strcmp(mc_commands[i].name, name) == 0)
      return &mc_commands[i];
  }
  return NULL;
}

/* Help is written for 80 columns: every line of it fits. */
#define HELP_WIDTH 80

/* Each line of text, indented; a line too long for the help is wrapped at
 * spaces (a command gets a shell continuation, so it still pastes). */
static void print_indented(struct mc_buf *b, const char *text, const char *indent,
                           bool commands)
{
  const char *p = text;
  while(*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char *line = mc_xasprintf("%.*s", (int)n, p);
    if(!commands || strlen(indent) + n <= HELP_WIDTH)
      mc_render_wrap(b, line, indent, HELP_WIDTH);
    else {
      /* Cut before a word so that the line with " \\" fits. */
      struct mc_buf tmp = MC_BUF_INIT(1 << 16);
      mc_render_wrap(&tmp, line, "", HELP_WIDTH - (int)strlen(indent) - 6);
      const char *q = tmp.ptr;
      bool first = true;
      while(q && *q) {
        const char *e = strchr(q, '\n');
        size_t len = e ? (size_t)(e - q) : strlen(q);
        bool last = !e || !e[1];
        mc_buf_printf(b, "%s%s%.*s%s\n", indent, first ? "" : "    ", (int)len, q,
                      last ? "" : " \\");
        first = false;
        q = e ? e + 1 : NULL;
      }
      mc_buf_release(&tmp);
    }
    free(line);
    p += n;
    if(*p == '\n')
      p++;
  }
}

void mc_cli_print_command_help(const struct mc_command *cmd, FILE *out)
{
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  char *usage = mc_xasprintf("usage: migcheck %s %s", cmd->name, cmd->usage);
  struct mc_buf u = MC_BUF_INIT(1 << 16);
  mc_render_wrap(&u, usage, "       ", HELP_WIDTH);    /* continued under "migcheck" */
  mc_buf_addstr(&b, u.ptr + 7);
  mc_buf_release(&u);
  free(usage);
  mc_buf_addch(&b, '\n');
  print_indented(&b, cmd->about, "  ", false);
  char *causes = mc_cause_ids_for(cmd->name);   /* the catalogue's rows that name it */
  if(causes) {
    mc_buf_addstr(&b, "\ncauses it can name ('migcheck causes ID' explains each):\n");
    print_indented(&b, causes, "  ", false);
    free(causes);
  }
  mc_buf_addstr(&b, "\noptions:\n");
  for(size_t i = 0; i < mc_noptions; i++) {
    const struct mc_option *o = &mc_options[i];
    if(!mc_cli_option_applies(cmd, o))
      continue;
    char left[64];
    if(o->shortname)
      snprintf(left, sizeof left, "-%c, --%s%s%s", o->shortname, o->name,
               o->arg ? " " : "", o->arg ? o->arg : "");
    else
      snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
               o->arg ? o->arg : "");
    /* The help text at column 25, wrapped; a long option name gets its own line. */
    struct mc_buf tmp = MC_BUF_INIT(1 << 16);
    mc_render_wrap(&tmp, o->help, "                         ", HELP_WIDTH);
    if(strlen(left) <= 21)
      mc_buf_printf(&b, "  %-22s %s", left, tmp.ptr + 25);
    else
      mc_buf_printf(&b, "  %s\n%s", left, tmp.ptr);
    mc_buf_release(&tmp);
  }
  mc_buf_addstr(&b, "\nexamples:\n");
  print_indented(&b, cmd->examples, "  ", true);
  mc_buf_addch(&b, '\n');
  mc_exit_codes_help(&b, "exit codes: ", cmd->name, "", HELP_WIDTH);
  fwrite(b.ptr, 1, b.len, out);
  mc_buf_release(&b);
}

void mc_cli_print_help(FILE *out)
{
  fputs("migcheck " MC_VERSION " - why can't Exchange Online reach your Exchange server?\n\n"
        "When Exchange Online says \"We weren't able to connect to the remote server\"\n"
        "while creating or using a migration endpoint, migcheck walks the path the\n"
        "migration service takes (DNS, TCP, TLS, the HTTP front door, authentication,\n"
        "the protocol), stops at the first layer that breaks, names the cause and\n"
        "says what to change.\n\n"
        "usage: migcheck COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", out);
  for(size_t i = 0; i < mc_ncommands; i++) {
    struct mc_buf b = MC_BUF_INIT(1 << 16);
    mc_render_wrap(&b, mc_commands[i].summary, "                      ", HELP_WIDTH);
    fprintf(out, "  %-19s %s", mc_commands[i].name, b.ptr + 22);
    mc_buf_release(&b);
  }
  fputs("\nStart here:\n"
        "  migcheck explain \"<the error you got>\"           what does it mean?\n"
        "  migcheck remote-move --server mail.contoso.com  hybrid move: can MRS reach?\n"
        "  migcheck outlook-anywhere --exchange-server ex01.contoso.local \\\n"
        "      --rpc-proxy mail.contoso.com               cutover or staged migration\n"
        "  migcheck demo                                   every diagnosis, on the lab\n\n"
        "'migcheck COMMAND --help' explains a command; 'man migcheck' has the rest.\n"
        "Output: text on a terminal (colors unless NO_COLOR), --json for scripts;\n"
        "--json-file FILE and --html FILE (a report to forward) beside the text.\n", out);
  struct mc_buf b = MC_BUF_INIT(1 << 12);
  mc_exit_codes_help(&b, "Exit codes: ", NULL, ".", HELP_WIDTH);
  fwrite(b.ptr, 1, b.len, out);
  mc_buf_release(&b);
}
