/*
 * signatures.c - the error signatures `migcheck explain` knows, as data.
 *
 * One row per (wording, cause). Phrases are copied from real messages (the
 * field cases, the seeds, standard .NET and WCF exception texts); '|' separates
 * alternative wordings of one phrase. weight says how specific the required
 * phrases are: an exception class name that only one fault throws is 14-18, a
 * status line shared by several faults 6-10, a wrapper message 2-4 (and
 * generic, so it shows only when nothing more specific matched). Where one
 * wording has several known causes there is one row per cause, the most
 * likely with the higher weight. Adding knowledge is adding a row here and a
 * file under tests/data/explain/.
 */
#include "kb/kb.h"

#define P(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Phrases shared by several rows. */
#define FORBIDDEN_NEGOTIATE "forbidden with client authentication scheme|(403) Forbidden"
#define NSPI_BIND "cli_NspiBind|NspiBind"
#define RPC_UNAVAILABLE "0x6ba|RPC server is unavailable|RPC_S_SERVER_UNAVAILABLE|1722"
#define WRAPPER_COMPLETED "could not be completed|couldn't be completed"
#define WRAPPER_WERENT "weren't able to connect to the remote server|" \
  "were not able to connect to the remote server"
#define INVOCATION "Exception has been thrown by the target of an invocation"
#define COMM_ERROR "CommunicationErrorTransientException"
#define HCW8078 "HCW8078|Migration Endpoint could not be created"
#define CHECK_SETTINGS "please check the connection settings you supplied|" \
  "Unable to connect to the server. Please check the connection settings"
#define UNAUTHORIZED "(401) Unauthorized|MrsHttpUnauthorizedException"
#define TLS_NO_COMMON "do not possess a common algorithm|TLS negotiation failed"
#define CONN_CLOSED "underlying connection was closed|could not create SSL/TLS secure channel"
#define REQ_TIMEOUT "has exceeded the allotted timeout|request channel timed out|" \
  "TimeoutErrorTransientException"

const struct mc_kb_signature mc_kb_signatures[] = {
  /* ---- Outlook Anywhere: seed 000 (KB 2903050), field case C31 ---- */
  { "OA_BASIC_NOT_OFFERED", 14, false, P(NSPI_BIND, RPC_UNAVAILABLE),
    P("ServerUnavailableException", "MigrationTransientException", WRAPPER_WERENT), NULL,
    "seed 000 step 1; field case C31" },
  { "OA_PORT_NOT_ALLOWED", 13, false, P(NSPI_BIND, RPC_UNAVAILABLE),
    P("ServerUnavailableException", "MigrationTransientException", WRAPPER_WERENT), NULL,
    "seed 000 step 2; seed 002 step 2; field case C31" },
  { "OA_BACKEND_UNAVAILABLE", 12, false, P(NSPI_BIND, RPC_UNAVAILABLE),
    P("ServerUnavailableException", "MigrationTransientException", WRAPPER_WERENT), NULL,
    "seed 000 step 2 (domain controllers on 6004); field case C31" },
  { "OA_PORT_NOT_ALLOWED", 15, false, P("RPC Error: 6ba|Invalid RPC Port"),
    P("rpcproxy.dll", "CONN/A1"), NULL, "exchange-wire.md sec. 4.2 (impacket strings)" },
  { "OA_PORT_NOT_ALLOWED", 8, false, P(RPC_UNAVAILABLE), P("rpcproxy", "6004"), NULL,
    "exchange-wire.md sec. 4.5" },
  { "OA_BACKEND_UNAVAILABLE", 7, false, P(RPC_UNAVAILABLE), P("6001", "6004"), NULL,
    "exchange-wire.md sec. 4.5" },
  { "OA_BASIC_NOT_OFFERED", 8, false, P("-Authentication Basic"),
    P("-PublicFolder", "New-MigrationEndpoint", "NTLM", "fails"), NULL, "field case C35" },
  { "OA_NOT_PUBLISHED", 10, false, P(CHECK_SETTINGS), NULL, NULL,
    "field case C32 (KB2389390)" },
  { "OA_ADMIN_NO_MAILBOX_RIGHTS", 9, false, P(CHECK_SETTINGS), NULL, NULL,
    "field case C32 (KB2389390)" },
  { "TLS_CERT_NAME_MISMATCH", 8, false, P(CHECK_SETTINGS), NULL, NULL,
    "field case C32 (KB2389390: certificate SAN)" },
  { "AUTODISCOVER_INTERNAL_URL", 7, false, P(CHECK_SETTINGS), NULL, NULL,
    "field case C32 (KB2389390: Autodiscover)" },
  { "OA_NOT_PUBLISHED", 6, false, P("Exchange 2003|Ex2003", "fail|error|unable|could not"),
    P("endpoint validation", "6001", "6004"), NULL, "field case C34" },
  { "OA_PORT_NOT_ALLOWED", 5, false, P("Exchange 2003|Ex2003", "fail|error|unable|could not"),
    P("6001", "6004", "ValidPorts"), NULL, "field case C34; seed 002 step 2" },
  { "OA_CERT_PRINCIPAL_MISMATCH", 16, false, P("Mutual Authentication could not be established"),
    P("msstd:", "CertPrincipalName"), NULL, "field case C36" },
  { "MIGRATION_EAC_ENDPOINT_BUG", 10, false, P("Error creating endpoint"), P(WRAPPER_WERENT),
    P(NSPI_BIND), "field case C33" },

  /* ---- MRSProxy, EWS and authentication (remote move) ---- */
  { "MRSPROXY_DISABLED", 18, false, P("MRS proxy service is disabled"), P("1309"), NULL,
    "field case C01 (ASP.NET event 1309)" },
  { "MRSPROXY_DISABLED", 10, false, P(FORBIDDEN_NEGOTIATE),
    P("mrsproxy.svc", "'Negotiate'", "MRSRemoteTransientException", WRAPPER_COMPLETED,
      "MessageSecurityException"),
    NULL, "field cases C01, C16 (KB3063913)" },
  { "HTTP_PREAUTH", 8, false, P(FORBIDDEN_NEGOTIATE),
    P("text/html", "TMG", "pre-auth|preauth|pre-authentication", "reverse proxy|WAF|gateway"),
    NULL, "field cases C04, C15 (KB10094)" },
  { "HTTP_PREAUTH", 11, false, P("content type text/html|text/html"),
    P("byte response", WRAPPER_COMPLETED, "(403) Forbidden"), NULL, "field case C15" },
  { "MRSPROXY_DISABLED", 6, false, P(INVOCATION), P("mrsproxy"), NULL,
    "field case C02 (error-move-mailboxes-to-from-o365)" },
  { "MRSPROXY_HANDLER_MISSING", 12, false,
    P("(405)|405 Method Not Allowed|http status 405|method not allowed"),
    P("mrsproxy.svc", INVOCATION, "Get-FederationInformation",
      "Federation information could not be received"),
    NULL, "field case C03 (KB2626696, KB2773628)" },
  { "MRSPROXY_HANDLER_MISSING", 5, false, P(INVOCATION), NULL, NULL, "field case C03" },
  { "EWS_WINDOWS_AUTH_DISABLED", 11, false, P("Basic realm="),
    P("(401) Unauthorized", "'Negotiate'", "unauthorized with client authentication scheme"),
    NULL, "field cases C14, C08" },
  { "HTTP_PREAUTH", 9, false, P("Basic realm="), P("(401) Unauthorized", "Mimecast|gateway"),
    NULL, "field case C14 (a device offering only Basic)" },
  { "AUTH_BAD_CREDENTIALS", 9, false,
    P(UNAUTHORIZED "|unable to connect to the remote server using the credentials provided"),
    P("'Negotiate,NTLM'", "credentials provided", "MrsHttpUnauthorizedException"),
    P("Basic realm="), "field case C26" },
  { "AUTH_BAD_CREDENTIALS", 12, false, P("401 1 2148074252"), P("mrsproxy.svc", "rpcproxy.dll"),
    NULL, "seed 001 step 5; exchange-wire.md sec. 6.2 (0x8009030C, logon denied in the IIS "
    "log; 401 1 2148074254 alone is the first NTLM leg)" },
  { "AUTH_LEGACY_BLOCKED_BY_POLICY", 14, false,
    P("BlockLegacyAuthWebServices|authentication policy|auth policy"), NULL, NULL,
    "field case C09 (block-legacy-auth-2019-hybrid.md)" },
  { "AUTH_LEGACY_BLOCKED_BY_POLICY", 5, false, P(UNAUTHORIZED), P("'Negotiate,NTLM'"),
    P("Basic realm="), "field-cases.md sec. 5 (401 + 'Negotiate,NTLM': C09)" },
  { "AUTH_EXTENDED_PROTECTION", 4, false, P(UNAUTHORIZED), P("'Negotiate,NTLM'"),
    P("Basic realm="), "field-cases.md sec. 5 (401 + 'Negotiate,NTLM': EP)" },
  { "AUTH_EXTENDED_PROTECTION", 9, false,
    P("Extended Protection|0xC000035B|channel binding"),
    P("SSL offload|offloading", "reverse proxy", "load balancer", "0xC000035B", "4625",
      "NTLM fails"),
    NULL, "field case C18" },
  { "HYBRID_AGENT_EP_ENABLED", 10, false, P("Extended Protection"),
    P("Hybrid Agent", "Modern Hybrid", "free/busy", "stop working after"), NULL,
    "field case C17" },
  { "AUTH_PROTECTED_GROUP", 12, false, P("Access is denied"),
    P("mrsproxy.svc", "No MRSProxy was found running", "RemotePermanentException",
      "MigrationRemoteEndpointSettingsCouldNotBeAutodiscoveredException"),
    NULL, "field case C10 (KB2975731)" },
  { "AUTODISCOVER_WRONG_MRS_HOST", 11, false,
    P("No MRSProxy was found running|no MRSProxy found|"
      "endpoint settings could not be determined from the autodiscover response"),
    P("autodiscover", "HCW8078", "prompts for credentials"), NULL, "field cases C21, C10" },
  { "TLS_INSPECTION", 8, false,
    P("Access Denied|Access is denied", "HCW|Hybrid Configuration Wizard|inspection"),
    P("SSL inspection|TLS inspection"), NULL, "field case C23" },
  { "MRSPROXY_WCF_QUOTA", 14, false, P("IDestinationFolder.SetRules|SetRules"),
    P("(400) Bad Request|HTTP 400", "95%", "mrsproxy.svc", "HTTPERR"), NULL,
    "field case C11 (hybrid-move-fails)" },
  { "MRSPROXY_WCF_QUOTA", 12, false,
    P("maximum message size quota|QuotaExceededException|QuotaExceededPermanentException|"
      "maxReceivedMessageSize"),
    NULL, NULL, "field case C11; field-cases.md sec. 4 (WCF error mapping)" },
  { "MRSPROXY_WCF_QUOTA", 7, false, P("(400) Bad Request|HTTP 400"),
    P("mrsproxy.svc", "95%", "offboard"), NULL, "field-cases.md sec. 5 ((400): C11, C12)" },
  { "CFG_EWS_EXTERNAL_URL_MISMATCH", 8, false, P("ResponseStatusCode=400|(400) Bad Request"),
    P("ProxyRequestHandler", "WebExceptionStatus=ProtocolError", "HttpProxy"), NULL,
    "field case C12" },
  { "PROXY_BACKEND_ERRORS", 7, false, P("ProxyRequestHandler|WebExceptionStatus="), NULL, NULL,
    "field case C12; field-cases.md sec. 3 (HttpProxy log)" },
  { "EWS_NOT_PUBLISHED", 10, false,
    P("EndpointNotFoundException|EndpointNotFoundTransientException|"
      "There was no endpoint listening at"),
    P("mrsproxy.svc"), NULL, "field-cases.md sec. 4 (WCF error mapping)" },
  { "MRSPROXY_URL_BLOCKED", 8, false, P("(404) Not Found", "mrsproxy"), NULL, NULL,
    "seed 001 (URL filtering)" },
  { "EWS_NOT_PUBLISHED", 7, false, P("(404) Not Found"), P("EWS"), NULL,
    "seed 001 step 3" },
  { "MIGRATION_ENDPOINT_UNVERIFIED", 9, false, P("SkipVerification"), NULL, NULL,
    "field cases C15, C28; field-cases.md sec. 4" },

  /* ---- load balancers, devices and time-outs ---- */
  { "LB_NO_AFFINITY", 15, false,
    P("no longer recognizes this sequence|is not a known Sequence identifier|"
      "reliable session was faulted"),
    P("wsrm:Identifier", "reliable session was faulted", "mrsproxy.svc"), NULL,
    "field case C06; seed 001 (load balancer considerations)" },
  { "HTTP_FLOOD_PROTECTION", 16, false, P("HTTP requests per minute"),
    P("exceeded the configured limit", "block new HTTP requests", "Forefront TMG"), NULL,
    "field case C05 (TMG flood mitigation alert)" },
  { "HTTP_FLOOD_PROTECTION", 4, true, P(COMM_ERROR), P("the system will retry"), NULL,
    "field case C05" },
  { "LB_NO_AFFINITY", 3, true, P(COMM_ERROR), NULL, NULL, "field cases C06, C07" },
  { "TCP_RESET", 3, true, P(COMM_ERROR), NULL, NULL, "field case C05; exchange-wire.md sec. 1.4" },
  { "TCP_RESET", 12, false, P("timed out|allotted timeout", "00:00:00.0"), NULL, NULL,
    "field case C28 (near-zero timeout: closed by a device)" },
  { "TCP_RESET", 10, false,
    P("forcibly closed by the remote host|connection was reset|ECONNRESET"), NULL, NULL,
    ".NET SocketException 10054" },
  { "HTTP_TIMEOUT", 8, false, P(REQ_TIMEOUT), P("mrsproxy.svc", "TimeoutErrorTransientException"),
    NULL, "field case C28" },
  { "MOVE_REQUEST_UNQUOTED_PARAMS", 9, false, P("The operation has timed out"),
    P("RemoteTransientException", "New-MoveRequest", "offboard", "mrsproxy.svc"), NULL,
    "field case C29 (operation-has-timed-out)" },
  { "HTTP_TIMEOUT", 4, true, P("timed out"), P("mrsproxy.svc"), NULL, "field cases C28, C29" },
  { "TCP_TIMEOUT", 12, false,
    P("timed out after 00:00:15|connected party did not properly respond|"
      "MigrationServerConnectionTimeoutException"),
    NULL, NULL, "field case C39 (KB10062); .NET SocketException 10060" },
  { "TCP_REFUSED", 12, false, P("actively refused"), NULL, NULL, ".NET SocketException 10061" },
  { "DNS_NOT_FOUND", 12, false,
    P("remote name could not be resolved|No such host is known|NameResolutionFailure"), NULL,
    NULL, ".NET WebException NameResolutionFailure" },
  { "HTTP_SERVICE_UNAVAILABLE", 10, false, P("(503) Server Unavailable|Service Unavailable"),
    NULL, P("RPC Error"), "exchange-wire.md sec. 1.5" },
  { "HTTP_SERVER_ERROR", 7, false,
    P("unable to process the request due to an internal error|(500) Internal Server Error|"
      "(502) Bad Gateway"),
    NULL, NULL, "field case C46; exchange-wire.md sec. 1.4" },
  { "HTTP_REQUEST_TOO_LARGE", 14, false,
    P("(413)|RequestEntityTooLarge|Request Entity Too Large"), NULL, NULL, "field case C25" },
  { "TCP_IP_ALLOWLIST_INCOMPLETE", 8, false,
    P("IP list|IP range|allow-list|allow list|allowlist|IP restriction|restricted to"),
    P("EXO", "some MRS jobs fail", "inbound"), NULL, "field case C22" },
  { "MIGRATION_SLOW_NETWORK", 12, false,
    P("SourceSideDuration|slow large moves|network latency"), NULL, NULL,
    "field case C30 (KB3184611)" },

  /* ---- Hybrid Agent and the hybrid wizard ---- */
  { "HYBRID_AGENT_UNREACHABLE", 12, false,
    P("msappproxy.net|Hybrid Agent|mailboxmigration.his",
      "timed out|(504)|" WRAPPER_COMPLETED "|unreachable|cannot reach|could not reach"),
    P("(504) Gateway Timeout", "timed out", WRAPPER_COMPLETED), P("(413)|RequestEntityTooLarge"),
    "field case C24" },
  { "HYBRID_AGENT_APP_DELETED", 16, false, P("Invalid_App|is soft-deleted"), NULL, NULL,
    "field case C27" },
  { "HYBRID_OUTBOUND_PROXY", 15, false,
    P("(407) Proxy Authentication Required|accessing Windows Live"), P(CONN_CLOSED), NULL,
    "field case C48 (KB3068838, KB3067292)" },
  { "HYBRID_OUTBOUND_PROXY", 7, false, P(CONN_CLOSED), P("Windows Live", "proxy"), NULL,
    "field case C48" },
  { "TLS_HANDSHAKE_FAILED", 8, false, P(CONN_CLOSED), NULL, NULL,
    "exchange-wire.md sec. 1.4" },
  { "MIGRATION_THROTTLED", 18, false,
    P("MigrationConnectionTestedTooRecentlyException|"
      "last connection attempt happened too recently"),
    P(HCW8078), NULL, "field case C20" },
  { "MIGRATION_THROTTLED", 4, true, P(HCW8078), NULL, NULL, "field cases C20, C14, C19, C21" },
  { "EWS_WINDOWS_AUTH_DISABLED", 3, true, P(HCW8078), NULL, NULL, "field case C14" },
  { "TLS_CERT_UNTRUSTED", 3, true, P(HCW8078), NULL, NULL, "field case C19" },
  { "AUTODISCOVER_WRONG_MRS_HOST", 3, true, P(HCW8078), NULL, NULL, "field case C21" },

  /* ---- TLS ---- */
  { "TLS_CERT_UNTRUSTED", 13, false,
    P("trust relationship for the SSL/TLS secure channel|SSL/TLS trust|"
      "trust could not be established|remote certificate is invalid"),
    P(HCW8078), NULL, "field case C19" },
  { "IMAP_TLS_TOO_OLD", 14, false, P(TLS_NO_COMMON),
    P("SslStreamFailureException", "unable to reach your email provider", "IMAP"), NULL,
    "field case C38" },
  { "TLS_PROTOCOL_TOO_OLD", 8, false, P(TLS_NO_COMMON), NULL, NULL, "field cases C38, C49" },
  { "TLS_PROTOCOL_TOO_OLD", 10, false, P("An unexpected error occurred on receive"),
    P("Test-HybridConnectivity", "TLS"), NULL, "field case C49" },
  { "TLS_HANDSHAKE_FAILED", 8, false, P("An unexpected error occurred on receive"), NULL, NULL,
    "field case C49" },

  /* ---- IMAP ---- */
  { "IMAP_AUTH_FAILED", 16, false, P("We had trouble signing in to this account"), NULL, NULL,
    "field case C41 (KB10062)" },
  { "IMAP_CERT_BINDING_BROKEN", 8, false, P("NO LOGIN failed|LOGIN failed"),
    P("Test-ImapConnectivity", "IMAP", "certificate"), NULL, "field case C42" },
  { "IMAP_AUTH_FAILED", 7, false, P("NO LOGIN failed"), NULL, NULL, "field case C42" },

  /* ---- moves, batches and offboarding ---- */
  { "MAILBOX_LOCKED", 18, false,
    P("SourceMailboxAlreadyBeingMovedTransientException|"
      "Couldn't switch the mailbox into Sync Source mode"),
    NULL, NULL, "field case C07; seed 001 (load balancer considerations)" },
  { "MRSPROXY_CONNECTION_LIMIT", 18, false,
    P("MRSProxyConnectionLimitReachedTransientException|"
      "maximum number of active MRS connections"),
    P("Connections limit"), NULL, "field case C13 (KB3091026)" },
  { "NOTIFICATION_EMAIL_MISSING", 18, false,
    P("provide the list of notification mails|NotificationEmails"), NULL, NULL,
    "seed 002 step 8" },
  { "MIGRATION_FORCE_PASSWORD", 14, false,
    P("currently blocked for the API|Windows Live error occurred while provisioning|"
      "can't be migrated because they contain errors"),
    NULL, NULL, "field case C37 (KB2845956)" },
  { "MOVE_REQUEST_ORPHANED", 16, false,
    P("UserAlreadyBeingMigratedException|already has a pending request|"
      "is already being moved"),
    NULL, NULL, "field case C43 (KB4502865)" },
  { "OFFBOARD_EXCHANGE_GUID_MISSING", 16, false,
    P("Cannot find a recipient that has mailbox GUID"), NULL, NULL,
    "field case C44 (KB2956029)" },
  { "OFFBOARD_TARGET_HAS_MAILBOX", 16, false, P("already has a primary mailbox"), NULL, NULL,
    "field case C45" },
  { "MOVE_CORRUPT_SEARCH_FOLDERS", 16, false,
    P("RestartMoveCorruptSyncStateTransientException|CorruptSyncState"), NULL, NULL,
    "field case C46 (KB3063045)" },
  { "PF_HIERARCHY_MAILBOX_SPLIT", 16, false,
    P("MAPI provider is not supported for mailbox with version"), NULL, NULL,
    "field case C47 (KB4052729)" },

  /* ---- wrappers: only the outer message was pasted ---- */
  { "MRSPROXY_DISABLED", 3, true, P(WRAPPER_COMPLETED), NULL, NULL,
    "field-cases.md sec. 5 (wrapper; C01)" },
  { "HTTP_PREAUTH", 3, true, P(WRAPPER_COMPLETED), NULL, NULL,
    "field-cases.md sec. 5 (wrapper; C04, C15)" },
  { "EWS_WINDOWS_AUTH_DISABLED", 2, true, P(WRAPPER_COMPLETED), NULL, NULL,
    "field case C08" },
  { "TLS_CERT_UNTRUSTED", 2, true, P(WRAPPER_COMPLETED), NULL, NULL, "field case C19" },
  { "DNS_NOT_FOUND", 2, true, P(WRAPPER_COMPLETED), NULL, NULL, "field case C40 (KB10062)" },
  { "TCP_TIMEOUT", 2, true, P(WRAPPER_COMPLETED "|Unable to connect to the remote server"),
    NULL, NULL, "field case C39" },
  { "OA_BASIC_NOT_OFFERED", 3, true, P(WRAPPER_WERENT), NULL, NULL, "seed 000 step 1" },
  { "OA_NOT_PUBLISHED", 3, true, P(WRAPPER_WERENT), NULL, NULL, "seed 000; field case C32" },
  { "TLS_CERT_UNTRUSTED", 2, true, P(WRAPPER_WERENT), NULL, NULL,
    "seed 000 (\"your certificate is valid\")" },
};
const size_t mc_kb_nsignatures = sizeof mc_kb_signatures / sizeof mc_kb_signatures[0];
