/*
 * signatures.c - the error signatures `migcheck explain` knows, as data.
 *
 * One row per (wording, cause). Phrases are copied from real messages (the
 * public field reports and KB articles, standard .NET and WCF exception texts); '|' separates
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
  /* ---- Outlook Anywhere: KB 2903050 ---- */
  { MC_CAUSE_OA_BASIC_NOT_OFFERED, 14, false, P(NSPI_BIND, RPC_UNAVAILABLE),
    P("ServerUnavailableException", "MigrationTransientException", WRAPPER_WERENT), NULL,
    "KB 2903050 (\"We weren't able to connect to the remote server\" error)" },
  { MC_CAUSE_OA_PORT_NOT_ALLOWED, 13, false, P(NSPI_BIND, RPC_UNAVAILABLE),
    P("ServerUnavailableException", "MigrationTransientException", WRAPPER_WERENT), NULL,
    "KB 2903050 (\"We weren't able to connect to the remote server\" error)" },
  { MC_CAUSE_OA_BACKEND_UNAVAILABLE, 12, false, P(NSPI_BIND, RPC_UNAVAILABLE),
    P("ServerUnavailableException", "MigrationTransientException", WRAPPER_WERENT), NULL,
    "KB 2903050 (\"We weren't able to connect to the remote server\" error) (domain controllers on 6004)" },
  { MC_CAUSE_OA_PORT_NOT_ALLOWED, 15, false, P("RPC Error: 6ba|Invalid RPC Port"),
    P("rpcproxy.dll", "CONN/A1"), NULL, "[MS-RPCH] RPC over HTTP Protocol (impacket strings)" },
  { MC_CAUSE_OA_PORT_NOT_ALLOWED, 8, false, P(RPC_UNAVAILABLE), P("rpcproxy", "6004"), NULL,
    "[MS-RPCH] RPC over HTTP Protocol" },
  { MC_CAUSE_OA_BACKEND_UNAVAILABLE, 7, false, P(RPC_UNAVAILABLE), P("6001", "6004"), NULL,
    "[MS-RPCH] RPC over HTTP Protocol" },
  { MC_CAUSE_OA_BASIC_NOT_OFFERED, 8, false, P("-Authentication Basic"),
    P("-PublicFolder", "New-MigrationEndpoint", "NTLM", "fails"), NULL, "MicrosoftDocs/OfficeDocs-Exchange issue 1800" },
  { MC_CAUSE_OA_NOT_PUBLISHED, 10, false, P(CHECK_SETTINGS), NULL, NULL,
    "KB 2389390" },
  { MC_CAUSE_OA_ADMIN_NO_MAILBOX_RIGHTS, 9, false, P(CHECK_SETTINGS), NULL, NULL,
    "KB 2389390" },
  { MC_CAUSE_TLS_CERT_NAME_MISMATCH, 8, false, P(CHECK_SETTINGS), NULL, NULL,
    "KB 2389390" },
  { MC_CAUSE_AUTODISCOVER_INTERNAL_URL, 7, false, P(CHECK_SETTINGS), NULL, NULL,
    "KB 2389390" },
  { MC_CAUSE_OA_NOT_PUBLISHED, 6, false, P("Exchange 2003|Ex2003", "fail|error|unable|could not"),
    P("endpoint validation", "6001", "6004"), NULL, "MicrosoftDocs/OfficeDocs-Exchange issue 948" },
  { MC_CAUSE_OA_PORT_NOT_ALLOWED, 5, false, P("Exchange 2003|Ex2003", "fail|error|unable|could not"),
    P("6001", "6004", "ValidPorts"), NULL, "KB 2903050 (\"We weren't able to connect to the remote server\" error); MicrosoftDocs/OfficeDocs-Exchange issue 948" },
  { MC_CAUSE_OA_CERT_PRINCIPAL_MISMATCH, 16, false, P("Mutual Authentication could not be established"),
    P("msstd:", "CertPrincipalName"), NULL, "Microsoft Learn troubleshooting article mutual-authentication-could-not-be-established-error-if-testing-outlook-anywhere" },
  { MC_CAUSE_MIGRATION_EAC_ENDPOINT_BUG, 10, false, P("Error creating endpoint"), P(WRAPPER_WERENT),
    P(NSPI_BIND), "Microsoft Q&A question 1186736" },

  /* ---- MRSProxy, EWS and authentication (remote move) ---- */
  { MC_CAUSE_MRSPROXY_DISABLED, 18, false, P("MRS proxy service is disabled"), P("1309"), NULL,
    "KB 3063913 (ASP.NET event 1309)" },
  { MC_CAUSE_MRSPROXY_DISABLED, 10, false, P(FORBIDDEN_NEGOTIATE),
    P("mrsproxy.svc", "'Negotiate'", "MRSRemoteTransientException", WRAPPER_COMPLETED,
      "MessageSecurityException"),
    NULL, "KB 3063913; Microsoft Q&A question 2184984" },
  { MC_CAUSE_HTTP_PREAUTH, 8, false, P(FORBIDDEN_NEGOTIATE),
    P("text/html", "TMG", "pre-auth|preauth|pre-authentication", "reverse proxy|WAF|gateway"),
    NULL, "KB 10094 (Troubleshoot migration issues in Exchange hybrid); Microsoft Q&A question 1195639" },
  { MC_CAUSE_HTTP_PREAUTH, 11, false, P("content type text/html|text/html"),
    P("byte response", WRAPPER_COMPLETED, "(403) Forbidden"), NULL, "Microsoft Q&A question 1195639" },
  { MC_CAUSE_MRSPROXY_DISABLED, 6, false, P(INVOCATION), P("mrsproxy"), NULL,
    "Microsoft Learn troubleshooting article error-move-mailboxes-to-from-o365" },
  { MC_CAUSE_MRSPROXY_HANDLER_MISSING, 12, false,
    P("(405)|405 Method Not Allowed|http status 405|method not allowed"),
    P("mrsproxy.svc", INVOCATION, "Get-FederationInformation",
      "Federation information could not be received"),
    NULL, "KB 2626696; KB 2773628" },
  { MC_CAUSE_MRSPROXY_HANDLER_MISSING, 5, false, P(INVOCATION), NULL, NULL, "KB 2626696; KB 2773628" },
  { MC_CAUSE_EWS_WINDOWS_AUTH_DISABLED, 11, false, P("Basic realm="),
    P("(401) Unauthorized", "'Negotiate'", "unauthorized with client authentication scheme"),
    NULL, "Microsoft Q&A question 2188108; MicrosoftDocs/OfficeDocs-Exchange issue 1884" },
  { MC_CAUSE_HTTP_PREAUTH, 9, false, P("Basic realm="), P("(401) Unauthorized", "Mimecast|gateway"),
    NULL, "Microsoft Q&A question 2188108 (a device offering only Basic)" },
  { MC_CAUSE_AUTH_BAD_CREDENTIALS, 9, false,
    P(UNAUTHORIZED "|unable to connect to the remote server using the credentials provided"),
    P("'Negotiate,NTLM'", "credentials provided", "MrsHttpUnauthorizedException"),
    P("Basic realm="), "Microsoft Q&A question 1573031" },
  { MC_CAUSE_AUTH_BAD_CREDENTIALS, 12, false, P("401 1 2148074252"), P("mrsproxy.svc", "rpcproxy.dll"),
    NULL, "KB 907273; Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
    "migration endpoint cannot be created in hybrid scenarios\" (0x8009030C, logon denied in "
    "the IIS log; 401 1 2148074254 alone is the first NTLM leg)" },
  { MC_CAUSE_AUTH_LEGACY_BLOCKED_BY_POLICY, 14, false,
    P("BlockLegacyAuthWebServices|authentication policy|auth policy"), NULL, NULL,
    "Microsoft Learn \"Block legacy authentication in Exchange 2019 hybrid\"" },
  { MC_CAUSE_AUTH_LEGACY_BLOCKED_BY_POLICY, 5, false, P(UNAUTHORIZED), P("'Negotiate,NTLM'"),
    P("Basic realm="), "Microsoft Learn \"Block legacy authentication in Exchange 2019 hybrid\"" },
  { MC_CAUSE_AUTH_EXTENDED_PROTECTION, 4, false, P(UNAUTHORIZED), P("'Negotiate,NTLM'"),
    P("Basic realm="), "microsoft/CSS-Exchange documentation \"Extended Protection\"" },
  { MC_CAUSE_AUTH_EXTENDED_PROTECTION, 9, false,
    P("Extended Protection|0xC000035B|channel binding"),
    P("SSL offload|offloading", "reverse proxy", "load balancer", "0xC000035B", "4625",
      "NTLM fails"),
    NULL, "microsoft/CSS-Exchange documentation \"Extended Protection\"; haproxy/haproxy issue 1828" },
  { MC_CAUSE_HYBRID_AGENT_EP_ENABLED, 10, false, P("Extended Protection"),
    P("Hybrid Agent", "Modern Hybrid", "free/busy", "stop working after"), NULL,
    "microsoft/CSS-Exchange documentation \"Extended Protection\"" },
  { MC_CAUSE_AUTH_PROTECTED_GROUP, 12, false, P("Access is denied"),
    P("mrsproxy.svc", "No MRSProxy was found running", "RemotePermanentException",
      "MigrationRemoteEndpointSettingsCouldNotBeAutodiscoveredException"),
    NULL, "KB 2975731" },
  { MC_CAUSE_AUTODISCOVER_WRONG_MRS_HOST, 11, false,
    P("No MRSProxy was found running|no MRSProxy found|"
      "endpoint settings could not be determined from the autodiscover response"),
    P("autodiscover", "HCW8078", "prompts for credentials"), NULL, "Microsoft Q&A question 229949; KB 2975731" },
  { MC_CAUSE_TLS_INSPECTION, 8, false,
    P("Access Denied|Access is denied", "HCW|Hybrid Configuration Wizard|inspection"),
    P("SSL inspection|TLS inspection"), NULL, "icehousesf/exchange-migration (GitHub)" },
  { MC_CAUSE_MRSPROXY_WCF_QUOTA, 14, false, P("IDestinationFolder.SetRules|SetRules"),
    P("(400) Bad Request|HTTP 400", "95%", "mrsproxy.svc", "HTTPERR"), NULL,
    "Microsoft Learn troubleshooting article hybrid-move-fails" },
  { MC_CAUSE_MRSPROXY_WCF_QUOTA, 12, false,
    P("maximum message size quota|QuotaExceededException|QuotaExceededPermanentException|"
      "maxReceivedMessageSize"),
    NULL, NULL, "Microsoft Learn troubleshooting article hybrid-move-fails (WCF error mapping)" },
  { MC_CAUSE_MRSPROXY_WCF_QUOTA, 7, false, P("(400) Bad Request|HTTP 400"),
    P("mrsproxy.svc", "95%", "offboard"), NULL, "Microsoft Learn troubleshooting article hybrid-move-fails; SammyKrosoft/Hybrid-Config-Wiz-Checks (GitHub) (400)" },
  { MC_CAUSE_CFG_EWS_EXTERNAL_URL_MISMATCH, 8, false, P("ResponseStatusCode=400|(400) Bad Request"),
    P("ProxyRequestHandler", "WebExceptionStatus=ProtocolError", "HttpProxy"), NULL,
    "SammyKrosoft/Hybrid-Config-Wiz-Checks (GitHub)" },
  { MC_CAUSE_PROXY_BACKEND_ERRORS, 7, false, P("ProxyRequestHandler|WebExceptionStatus="), NULL, NULL,
    "SammyKrosoft/Hybrid-Config-Wiz-Checks (GitHub) (HttpProxy log)" },
  { MC_CAUSE_EWS_NOT_PUBLISHED, 10, false,
    P("EndpointNotFoundException|EndpointNotFoundTransientException|"
      "There was no endpoint listening at"),
    P("mrsproxy.svc"), NULL, "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the migration endpoint cannot be created in hybrid scenarios\" (WCF error mapping)" },
  { MC_CAUSE_MRSPROXY_URL_BLOCKED, 8, false, P("(404) Not Found", "mrsproxy"), NULL, NULL,
    "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the migration endpoint cannot be created in hybrid scenarios\" (URL filtering)" },
  { MC_CAUSE_EWS_NOT_PUBLISHED, 7, false, P("(404) Not Found"), P("EWS"), NULL,
    "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the migration endpoint cannot be created in hybrid scenarios\"" },
  { MC_CAUSE_MIGRATION_ENDPOINT_UNVERIFIED, 9, false, P("SkipVerification"), NULL, NULL,
    "Microsoft Q&A question 1195639; Microsoft Q&A question 1660225" },

  /* ---- load balancers, devices and time-outs ---- */
  { MC_CAUSE_LB_NO_AFFINITY, 15, false,
    P("no longer recognizes this sequence|is not a known Sequence identifier|"
      "reliable session was faulted"),
    P("wsrm:Identifier", "reliable session was faulted", "mrsproxy.svc"), NULL,
    "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the migration endpoint cannot be created in hybrid scenarios\"; Microsoft blog (Learn archive) \"It's always the Load Balancer\" (load balancer considerations)" },
  { MC_CAUSE_HTTP_FLOOD_PROTECTION, 16, false, P("HTTP requests per minute"),
    P("exceeded the configured limit", "block new HTTP requests", "Forefront TMG"), NULL,
    "Microsoft Learn troubleshooting article mailbox-move-to-cloud-fail-with-error (TMG flood mitigation alert)" },
  { MC_CAUSE_HTTP_FLOOD_PROTECTION, 4, true, P(COMM_ERROR), P("the system will retry"), NULL,
    "Microsoft Learn troubleshooting article mailbox-move-to-cloud-fail-with-error" },
  { MC_CAUSE_LB_NO_AFFINITY, 3, true, P(COMM_ERROR), NULL, NULL, "Microsoft blog (Learn archive) \"It's always the Load Balancer\"; Microsoft blog (Learn archive) \"Source mailbox already being moved errors while moving mailboxes\"" },
  { MC_CAUSE_TCP_RESET, 3, true, P(COMM_ERROR), NULL, NULL, "Microsoft Learn troubleshooting article mailbox-move-to-cloud-fail-with-error; Microsoft Learn: Test-MigrationServerAvailability" },
  { MC_CAUSE_TCP_RESET, 12, false, P("timed out|allotted timeout", "00:00:00.0"), NULL, NULL,
    "Microsoft Q&A question 1660225 (near-zero timeout: closed by a device)" },
  { MC_CAUSE_TCP_RESET, 10, false,
    P("forcibly closed by the remote host|connection was reset|ECONNRESET"), NULL, NULL,
    ".NET SocketException 10054" },
  { MC_CAUSE_HTTP_TIMEOUT, 8, false, P(REQ_TIMEOUT), P("mrsproxy.svc", "TimeoutErrorTransientException"),
    NULL, "Microsoft Q&A question 1660225" },
  /* The timeout alone is vague: only with the move request around it. */
  { MC_CAUSE_MOVE_REQUEST_UNQUOTED_PARAMS, 9, false,
    P("The operation has timed out", "RemoteTransientException|New-MoveRequest|-Outbound|offboard"),
    P("RemoteTransientException", "New-MoveRequest", "offboard", "mrsproxy.svc"), NULL,
    "Microsoft Learn troubleshooting article operation-has-timed-out-error-when-moving-mailbox" },
  /* A bare "timed out": the broad causes, and the note to paste the whole error. */
  { MC_CAUSE_TCP_TIMEOUT, 3, true, P("timed out"), NULL, NULL,
    "KB 10062 (Troubleshoot issues with IMAP mailbox migration)" },
  { MC_CAUSE_HTTP_TIMEOUT, 4, true, P("timed out"), P("mrsproxy.svc"), NULL, "Microsoft Q&A question 1660225; Microsoft Learn troubleshooting article operation-has-timed-out-error-when-moving-mailbox" },
  { MC_CAUSE_TCP_TIMEOUT, 12, false,
    P("timed out after 00:00:15|connected party did not properly respond|"
      "MigrationServerConnectionTimeoutException"),
    NULL, NULL, "KB 10062 (Troubleshoot issues with IMAP mailbox migration); .NET SocketException 10060" },
  { MC_CAUSE_TCP_REFUSED, 12, false, P("actively refused"), NULL, NULL, ".NET SocketException 10061" },
  { MC_CAUSE_DNS_NOT_FOUND, 12, false,
    P("remote name could not be resolved|No such host is known|NameResolutionFailure"), NULL,
    NULL, ".NET WebException NameResolutionFailure" },
  { MC_CAUSE_HTTP_SERVICE_UNAVAILABLE, 10, false, P("(503) Server Unavailable|Service Unavailable"),
    NULL, P("RPC Error"), "Microsoft Learn: Test-MigrationServerAvailability" },
  { MC_CAUSE_HTTP_SERVER_ERROR, 7, false,
    P("unable to process the request due to an internal error|(500) Internal Server Error|"
      "(502) Bad Gateway"),
    NULL, NULL, "KB 3063045; Microsoft Learn: Test-MigrationServerAvailability" },
  { MC_CAUSE_HTTP_REQUEST_TOO_LARGE, 14, false,
    P("(413)|RequestEntityTooLarge|Request Entity Too Large"), NULL, NULL, "Microsoft Q&A question 2202144" },
  { MC_CAUSE_TCP_IP_ALLOWLIST_INCOMPLETE, 8, false,
    P("IP list|IP range|allow-list|allow list|allowlist|IP restriction|restricted to"),
    P("EXO", "some MRS jobs fail", "inbound"), NULL, "MicrosoftDocs/OfficeDocs-Enterprise issue 563" },
  { MC_CAUSE_MIGRATION_SLOW_NETWORK, 12, false,
    P("SourceSideDuration|slow large moves|network latency"), NULL, NULL,
    "KB 3184611" },

  /* ---- Hybrid Agent and the hybrid wizard ---- */
  { MC_CAUSE_HYBRID_AGENT_UNREACHABLE, 12, false,
    P("msappproxy.net|Hybrid Agent|mailboxmigration.his",
      "timed out|(504)|" WRAPPER_COMPLETED "|unreachable|cannot reach|could not reach"),
    P("(504) Gateway Timeout", "timed out", WRAPPER_COMPLETED), P("(413)|RequestEntityTooLarge"),
    "Microsoft Q&A questions 138054, 1507968, 1687837" },
  { MC_CAUSE_HYBRID_AGENT_APP_DELETED, 16, false, P("Invalid_App|is soft-deleted"), NULL, NULL,
    "Microsoft Q&A question 2138499" },
  { MC_CAUSE_HYBRID_OUTBOUND_PROXY, 15, false,
    P("(407) Proxy Authentication Required|accessing Windows Live"), P(CONN_CLOSED), NULL,
    "KB 3068838; KB 3067292" },
  { MC_CAUSE_HYBRID_OUTBOUND_PROXY, 7, false, P(CONN_CLOSED), P("Windows Live", "proxy"), NULL,
    "KB 3068838; KB 3067292" },
  { MC_CAUSE_TLS_HANDSHAKE_FAILED, 8, false, P(CONN_CLOSED), NULL, NULL,
    "Microsoft Learn: Test-MigrationServerAvailability" },
  { MC_CAUSE_MIGRATION_THROTTLED, 18, false,
    P("MigrationConnectionTestedTooRecentlyException|"
      "last connection attempt happened too recently"),
    P(HCW8078), NULL, "Microsoft Learn troubleshooting article migration-endpoint-could-not-be-created" },
  { MC_CAUSE_MIGRATION_THROTTLED, 4, true, P(HCW8078), NULL, NULL, "Microsoft Learn troubleshooting article migration-endpoint-could-not-be-created; Microsoft Q&A question 2188108; Microsoft Q&A question 229949" },
  { MC_CAUSE_EWS_WINDOWS_AUTH_DISABLED, 3, true, P(HCW8078), NULL, NULL, "Microsoft Q&A question 2188108" },
  { MC_CAUSE_TLS_CERT_UNTRUSTED, 3, true, P(HCW8078), NULL, NULL, "Microsoft Learn troubleshooting article migration-endpoint-could-not-be-created" },
  { MC_CAUSE_AUTODISCOVER_WRONG_MRS_HOST, 3, true, P(HCW8078), NULL, NULL, "Microsoft Q&A question 229949" },

  /* ---- TLS ---- */
  { MC_CAUSE_TLS_CERT_UNTRUSTED, 13, false,
    P("trust relationship for the SSL/TLS secure channel|SSL/TLS trust|"
      "trust could not be established|remote certificate is invalid"),
    P(HCW8078), NULL, "Microsoft Learn troubleshooting article migration-endpoint-could-not-be-created" },
  { MC_CAUSE_IMAP_TLS_TOO_OLD, 14, false, P(TLS_NO_COMMON),
    P("SslStreamFailureException", "unable to reach your email provider", "IMAP"), NULL,
    "Microsoft Learn troubleshooting article mailbox-migration-fails-using-imap" },
  { MC_CAUSE_TLS_PROTOCOL_TOO_OLD, 8, false, P(TLS_NO_COMMON), NULL, NULL, "Microsoft Learn troubleshooting article mailbox-migration-fails-using-imap; garageofawesome.com.au blog \"Interesting issue\"" },
  { MC_CAUSE_TLS_PROTOCOL_TOO_OLD, 10, false, P("An unexpected error occurred on receive"),
    P("Test-HybridConnectivity", "TLS"), NULL, "garageofawesome.com.au blog \"Interesting issue\"" },
  { MC_CAUSE_TLS_HANDSHAKE_FAILED, 8, false, P("An unexpected error occurred on receive"), NULL, NULL,
    "garageofawesome.com.au blog \"Interesting issue\"" },

  /* ---- IMAP ---- */
  { MC_CAUSE_IMAP_AUTH_FAILED, 16, false, P("We had trouble signing in to this account"), NULL, NULL,
    "KB 10062 (Troubleshoot issues with IMAP mailbox migration)" },
  { MC_CAUSE_IMAP_CERT_BINDING_BROKEN, 8, false, P("NO LOGIN failed|LOGIN failed"),
    P("Test-ImapConnectivity", "IMAP", "certificate"), NULL, "imapsync/imapsync issue 136" },
  { MC_CAUSE_IMAP_AUTH_FAILED, 7, false, P("NO LOGIN failed"), NULL, NULL, "imapsync/imapsync issue 136" },

  /* ---- moves, batches and offboarding ---- */
  { MC_CAUSE_MAILBOX_LOCKED, 18, false,
    P("SourceMailboxAlreadyBeingMovedTransientException|"
      "Couldn't switch the mailbox into Sync Source mode"),
    NULL, NULL, "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the migration endpoint cannot be created in hybrid scenarios\"; Microsoft blog (Learn archive) \"Source mailbox already being moved errors while moving mailboxes\" (load balancer considerations)" },
  { MC_CAUSE_MRSPROXY_CONNECTION_LIMIT, 18, false,
    P("MRSProxyConnectionLimitReachedTransientException|"
      "maximum number of active MRS connections"),
    P("Connections limit"), NULL, "KB 3091026" },
  { MC_CAUSE_NOTIFICATION_EMAIL_MISSING, 18, false,
    P("provide the list of notification mails|NotificationEmails"), NULL, NULL,
    "Microsoft Learn: New-MigrationBatch (-NotificationEmails)" },
  { MC_CAUSE_MIGRATION_FORCE_PASSWORD, 14, false,
    P("currently blocked for the API|Windows Live error occurred while provisioning|"
      "can't be migrated because they contain errors"),
    NULL, NULL, "KB 2845956" },
  { MC_CAUSE_MOVE_REQUEST_ORPHANED, 16, false,
    P("UserAlreadyBeingMigratedException|already has a pending request|"
      "is already being moved"),
    NULL, NULL, "KB 4502865" },
  { MC_CAUSE_OFFBOARD_EXCHANGE_GUID_MISSING, 16, false,
    P("Cannot find a recipient that has mailbox GUID"), NULL, NULL,
    "KB 2956029" },
  { MC_CAUSE_OFFBOARD_TARGET_HAS_MAILBOX, 16, false, P("already has a primary mailbox"), NULL, NULL,
    "Microsoft Learn troubleshooting article offboarding-mailbox-fails-with-error" },
  { MC_CAUSE_MOVE_CORRUPT_SEARCH_FOLDERS, 16, false,
    P("RestartMoveCorruptSyncStateTransientException|CorruptSyncState"), NULL, NULL,
    "KB 3063045" },
  { MC_CAUSE_PF_HIERARCHY_MAILBOX_SPLIT, 16, false,
    P("MAPI provider is not supported for mailbox with version"), NULL, NULL,
    "KB 4052729" },

  /* ---- wrappers: only the outer message was pasted ---- */
  { MC_CAUSE_MRSPROXY_DISABLED, 3, true, P(WRAPPER_COMPLETED), NULL, NULL,
    "KB 3063913" },
  { MC_CAUSE_HTTP_PREAUTH, 3, true, P(WRAPPER_COMPLETED), NULL, NULL,
    "KB 10094 (Troubleshoot migration issues in Exchange hybrid); Microsoft Q&A question 1195639" },
  { MC_CAUSE_EWS_WINDOWS_AUTH_DISABLED, 2, true, P(WRAPPER_COMPLETED), NULL, NULL,
    "MicrosoftDocs/OfficeDocs-Exchange issue 1884" },
  { MC_CAUSE_TLS_CERT_UNTRUSTED, 2, true, P(WRAPPER_COMPLETED), NULL, NULL, "Microsoft Learn troubleshooting article migration-endpoint-could-not-be-created" },
  { MC_CAUSE_DNS_NOT_FOUND, 2, true, P(WRAPPER_COMPLETED), NULL, NULL, "KB 10062 (Troubleshoot issues with IMAP mailbox migration)" },
  { MC_CAUSE_TCP_TIMEOUT, 2, true, P(WRAPPER_COMPLETED "|Unable to connect to the remote server"),
    NULL, NULL, "KB 10062 (Troubleshoot issues with IMAP mailbox migration)" },
  { MC_CAUSE_OA_BASIC_NOT_OFFERED, 3, true, P(WRAPPER_WERENT), NULL, NULL, "KB 2903050 (\"We weren't able to connect to the remote server\" error)" },
  { MC_CAUSE_OA_NOT_PUBLISHED, 3, true, P(WRAPPER_WERENT), NULL, NULL, "KB 2903050 (\"We weren't able to connect to the remote server\" error); KB 2389390" },
  { MC_CAUSE_TLS_CERT_UNTRUSTED, 2, true, P(WRAPPER_WERENT), NULL, NULL,
    "KB 2903050 (\"We weren't able to connect to the remote server\" error; \"your certificate is valid\")" },
};
const size_t mc_kb_nsignatures = sizeof mc_kb_signatures / sizeof mc_kb_signatures[0];
