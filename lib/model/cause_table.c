/*
 * cause_table.c - the cause catalogue: every reason migcheck can name, as data.
 *
 * One entry per cause, in catalogue order: first the ids listed in DESIGN.md (in that
 * order), then causes taken from field reports and the protocol references. This file holds
 * data only; mc_cause_find() lives elsewhere. Ids are stable and are never renamed (tests,
 * scripts and users key on them); titles, text, fix steps and sources may be improved.
 * Names of the run are placeholders filled when a report is shown (model/fill.c):
 * {target} (what was checked, with its port), {host}, {domain}, {email}, {mailbox},
 * {user}, {server} (NetBIOS name), {server_fqdn}, {validports}, {vdir}. A name no run
 * can know is written as a marked placeholder (<ExchangeGuid>). Sources are public:
 * KB numbers, Microsoft Learn titles, RFC sections, public threads; never a file outside
 * this repository. .commands names every command whose code can raise the cause and
 * .scenarios lab scenarios that show it: --help, the man page and the cause tables
 * in docs/ are made from them (tools/gen-cause-docs.py), and tests/e2e/causes_raised.py
 * fails when .commands differs from what the code raises or a scenario does not show it.
 */
#include "model/cause.h"

const struct mc_cause mc_cause_table[] = {
  /* ---- network: DNS and TCP ---- */
  { .id = "DNS_NOT_FOUND", .severity = MC_FAIL, .area = "dns",
    .title = "Host name does not resolve in public DNS",
    .why = "The name given for the migration server (or for Autodiscover) has no A or AAAA "
           "record that an internet resolver can find. Exchange Online looks the name up "
           "from outside your network, so a missing record or an internal-only name such as "
           "{server_fqdn} leaves it with nowhere to connect.",
    .fix = (const char *const[]){
      "Create a public A record for the published name ({host}) that points at the "
      "public address of your firewall or load balancer",
      "Confirm from outside with a public resolver: nslookup {host} 8.8.8.8 (allow "
      "for the record's TTL after a change)",
      "Use the public FQDN, never the .local name, as RemoteServer, RPCProxyServer or IMAP "
      "server; recreate the endpoint if it still holds a stale name",
      NULL },
    .check = "migcheck ports {host} {port}",
    .source = "KB 10062 (Troubleshoot issues with IMAP mailbox migration); [MS-OXDSCLI] "
              "Autodiscover Publishing and Lookup Protocol",
    .commands = "ports tls remote-move outlook-anywhere imap config explain" },

  /* WARN: with split DNS a private answer is normal inside the network; only the public
     answer matters to Exchange Online. */
  { .id = "DNS_PRIVATE_ADDRESS", .severity = MC_WARN, .area = "dns",
    .title = "Host name resolves to a private (RFC 1918) address",
    .why = "The name resolved to an internal address (10.x, 172.16-31.x, 192.168.x). Inside a "
           "split-DNS network that is expected, but if public DNS gives the same answer "
           "Exchange Online cannot route to it and the endpoint fails.",
    .fix = (const char *const[]){
      "Resolve the name against a public resolver: nslookup {host} 8.8.8.8; it must "
      "return the public address that is NAT-ed or load-balanced to Exchange",
      "If public DNS returns a private address, correct the records for {host} and "
      "autodiscover.{domain} in the public zone",
      "Run migcheck from a machine outside the network (or against a public resolver) to test "
      "the path Exchange Online really uses",
      NULL },
    .check = "migcheck ports {host} {port}",
    .source = "RFC 1918 sec. 3; Microsoft Q&A question 1186736",
    .commands = "ports tls remote-move outlook-anywhere imap" },

  { .id = "DNS_ADDRESSES_DISAGREE", .severity = MC_FAIL, .area = "dns",
    .title = "The addresses of one name disagree: some of them do not lead to Exchange",
    .why = "The name has several A or AAAA records and Exchange Online connects to whichever "
           "one DNS hands it. At least one address refuses, times out, resets, presents "
           "another certificate or answers differently from the others: a stale record, an "
           "old NAT rule, a dead firewall or load-balancer address, or another site. Moves and "
           "endpoint tests then fail some of the time, and a test against one address passes.",
    .fix = (const char *const[]){
      "List what DNS publishes for the name (Resolve-DnsName mail.contoso.com -Type A and "
      "-Type AAAA, against a public resolver) and compare with the addresses migcheck names",
      "Remove the stale record from the public zone, or fix the NAT, firewall or load-balancer "
      "rule of the bad address so that it forwards 443 to the same Exchange front end",
      "An AAAA record must lead to Exchange as well: remove it if IPv6 is not published",
      NULL },
    .check = "migcheck remote-move --server mail.contoso.com",
    .source = "RFC 6724 sec. 6 (a client may order and use any of the addresses); RFC 8305 "
              "(Happy Eyeballs: connection attempts to every address)",
    .commands = "tls remote-move outlook-anywhere autodiscover imap",
    .scenarios = "addr-second-refused addr-second-other-cert" },

  { .id = "TLS_CLOUD_CIPHER_MISMATCH", .severity = MC_FAIL, .area = "tls",
    .title = "No cipher suite in common with Exchange Online's TLS client",
    .why = "The server speaks TLS 1.2 or 1.3, but only with cipher suites (or key-exchange "
           "groups) that Exchange Online's client, which offers Windows Server's Schannel "
           "defaults, does not offer. A generic test client that offers every suite connects; "
           "the migration service's TLS negotiation fails with a cipher suite mismatch and the "
           "connection closes ('An unexpected error occurred on a send/receive').",
    .fix = (const char *const[]){
      "Enable at least the ECDHE GCM suites on the server or the device that terminates TLS: "
      "on Windows, Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (and "
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), or reset a custom SSL Cipher Suite Order "
      "policy",
      "On a load balancer or reverse proxy, add the TLS 1.2 ECDHE AES-GCM suites and the "
      "TLS 1.3 AES-GCM suites, with the groups X25519, P-256 or P-384",
      "Confirm with the list migcheck tls shows: at least one of Exchange Online's suites "
      "must be accepted",
      NULL },
    .check = "migcheck tls mail.contoso.com",
    .source = "Microsoft Learn: TLS Cipher Suites in Windows Server 2022; Microsoft Learn: "
              "Enable-TlsCipherSuite; RFC 8446 sec. 4.1.1 (cryptographic negotiation)",
    .commands = "tls remote-move outlook-anywhere autodiscover imap",
    .scenarios = "tls-cipher-mismatch" },

  { .id = "TCP_TIMEOUT", .severity = MC_FAIL, .area = "tcp",
    .title = "Port timed out: the connection attempt is silently dropped",
    .why = "The TCP connection request got no reply at all, which is what a firewall drop "
           "rule, a missing NAT or port-forward rule, or a black-holed route looks like. "
           "Exchange Online's attempts are discarded the same way, so the endpoint test "
           "times out before any HTTPS is spoken.",
    .fix = (const char *const[]){
      "On the perimeter firewall allow inbound TCP 443 to the published address from the "
      "Exchange Online IP ranges (Microsoft 365 endpoint set 'Exchange Online'); for IMAP "
      "allow 993 (or 143)",
      "Check that the NAT / port-forward rule sends public 443 to the load balancer or an "
      "Exchange server, and that Windows Firewall on {server} allows inbound 443",
      "If you allow-list by source address, keep the list in step with Microsoft's published "
      "ranges (subscribe to the change notifications)",
      NULL },
    .check = "migcheck ports {host} {port}",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"; KB 10062 "
              "(Troubleshoot issues with IMAP mailbox migration)",
    .commands = "ports tls remote-move outlook-anywhere autodiscover imap config explain",
    .scenarios = "port-blackhole" },

  { .id = "TCP_REFUSED", .severity = MC_FAIL, .area = "tcp",
    .title = "Port refused: nothing listens or a firewall rejects",
    .why = "The host answered the connection attempt with a reset: it is reachable, but "
           "nothing accepts connections on that port or a firewall actively rejects them. "
           "Typical causes are IIS or the IMAP4 service being stopped, a NAT rule aimed at "
           "the wrong internal server, or a reject rule.",
    .fix = (const char *const[]){
      "On {server} check that IIS listens: Get-Service W3SVC; Start-Service W3SVC; "
      "netstat -ano | findstr :443",
      "For IMAP start the services and make them automatic: Start-Service MSExchangeIMAP4, "
      "MSExchangeIMAP4BE (2013+; only MSExchangeIMAP4 on 2010); "
      "Set-Service MSExchangeIMAP4 -StartupType Automatic",
      "Check that the NAT or load-balancer rule forwards the port to an Exchange server that "
      "listens on it, and remove any reject rule for the Exchange Online ranges",
      NULL },
    .check = "migcheck ports {host} {port}",
    .source = "KB 10062 (Troubleshoot issues with IMAP mailbox migration); Microsoft "
              "Exchange blog (Learn archive) \"Troubleshooting issues where the migration "
              "endpoint cannot be created in hybrid scenarios\"",
    .commands = "ports tls remote-move outlook-anywhere autodiscover imap config explain",
    .scenarios = "port-refused addr-second-refused" },

  { .id = "TCP_RESET", .severity = MC_FAIL, .area = "tcp",
    .title = "Connection accepted, then reset by a device in the path",
    .why = "The TCP connection opened but was torn down with a reset before or during the "
           "request. An IPS, a next-generation firewall or a load balancer that inspects and "
           "kills the traffic is the usual source; Exchange Online sees the connection close "
           "at once and reports a transient communication error or a near-zero timeout.",
    .fix = (const char *const[]){
      "Search the firewall and IPS logs for resets of traffic from the Exchange Online ranges "
      "to {host}:443 and exempt that traffic from inspection and threat signatures",
      "Check the load balancer's pool health and its idle and reset settings for the virtual "
      "server on 443",
      "As a test, publish one Exchange server directly (bypassing the device) and run the "
      "check again",
      NULL },
    .check = "migcheck ports {host} {port}",
    .source = "Microsoft Learn troubleshooting article "
              "mailbox-move-to-cloud-fail-with-error; Microsoft Q&A question 1660225",
    .commands = "ports tls remote-move outlook-anywhere autodiscover imap config explain",
    .scenarios = "reset-on-connect" },

  /* ---- network: TLS ---- */
  { .id = "TLS_NOT_TLS", .severity = MC_FAIL, .area = "tls",
    .title = "Port does not speak TLS: plain HTTP or another service answers",
    .why = "The port accepted the connection but answered the TLS ClientHello with plain "
           "HTTP or other non-TLS bytes instead of a ServerHello. Usually 443 is forwarded to "
           "port 80 on the server, or an offloading device publishes its clear-text side; the "
           "migration service needs HTTPS all the way to Exchange and cannot connect.",
    .fix = (const char *const[]){
      "Point the public 443 NAT or load-balancer rule at port 443 on the Exchange servers, "
      "not at port 80",
      "If a device terminates TLS, re-encrypt towards the servers (SSL bridging with the same "
      "certificate) instead of forwarding clear text; remote moves do not support SSL "
      "offloading",
      "Check the IIS binding: Get-WebBinding -Name 'Default Web Site' must list https *:443; "
      "bind the certificate with Enable-ExchangeCertificate -Server {server} -Thumbprint "
      "<thumbprint> -Services IIS",
      NULL },
    .check = "migcheck tls {target}",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" (SSL offloading); "
              "microsoft/CSS-Exchange documentation \"Extended Protection\"",
    .commands = "tls remote-move outlook-anywhere autodiscover imap",
    .scenarios = "plain-http-on-443" },

  { .id = "TLS_HANDSHAKE_FAILED", .severity = MC_FAIL, .area = "tls",
    .title = "TLS handshake fails: no common cipher, no certificate bound, or interference",
    .why = "The server speaks TLS but ended the handshake with an alert or dropped the "
           "connection part-way. Common reasons are no cipher suite shared with current "
           "clients, no certificate bound for the address or SNI name, a demand for a client "
           "certificate, or a device meddling with TLS; the .NET client in Exchange Online "
           "then reports that the underlying connection was closed.",
    .fix = (const char *const[]){
      "Confirm a certificate is bound for 443: netsh http show sslcert ipport=0.0.0.0:443 (and "
      "the hostnameport entry if SNI is used); rebind with Enable-ExchangeCertificate -Server "
      "{server} -Thumbprint <thumbprint> -Services IIS",
      "Enable TLS 1.2 and ECDHE AES-GCM cipher suites on the server and on any load balancer "
      "in front (SCHANNEL keys as in TLS_PROTOCOL_TOO_OLD)",
      "Make sure client certificates are not required (IIS SSL Settings: Ignore) on the /EWS, "
      "/rpc and /Autodiscover virtual directories",
      NULL },
    .check = "migcheck tls {target}",
    .source = "KB 3068838; KB 3067292; RFC 8446 sec. 6.2",
    .commands = "tls remote-move outlook-anywhere autodiscover imap config explain",
    .scenarios = "tls-trickle" },

  { .id = "TLS_PROTOCOL_TOO_OLD", .severity = MC_FAIL, .area = "tls",
    .title = "Server offers nothing newer than TLS 1.1",
    .why = "The server completed a handshake only with TLS 1.1 or older and refused TLS 1.2 "
           "and 1.3. Exchange Online connects with TLS 1.2 or later, so the handshake cannot "
           "succeed until TLS 1.2 is enabled on the server or on the device that terminates "
           "TLS.",
    .fix = (const char *const[]){
      "Enable TLS 1.2 in SCHANNEL: reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\"
      "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server\" /v Enabled /t REG_DWORD "
      "/d 1 /f, the same with /v DisabledByDefault /d 0, and both again under the "
      "...\\TLS 1.2\\Client key",
      "Let .NET use it: reg add \"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\" /v "
      "SchUseStrongCrypto /t REG_DWORD /d 1 /f, and /v SystemDefaultTlsVersions /d 1; repeat "
      "under HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319",
      "Reboot {server} (Exchange 2010 on Windows Server 2008 R2 needs current updates before TLS "
      "1.2 works at all)",
      "If a load balancer or firewall terminates TLS, enable TLS 1.2 in its client-side SSL "
      "profile as well",
      NULL },
    .check = "migcheck tls {target}",
    .source = "RFC 8996 (TLS 1.0 and 1.1 deprecated); Microsoft Learn troubleshooting "
              "article mailbox-migration-fails-using-imap",
    .commands = "tls remote-move outlook-anywhere autodiscover imap config explain",
    .scenarios = "tls10-only" },

  { .id = "TLS_CERT_UNTRUSTED", .severity = MC_FAIL, .area = "tls",
    .title = "Certificate is not trusted: self-signed or from a private CA",
    .why = "The certificate does not chain to a public root that Exchange Online trusts; "
           "typically it is Exchange's own self-signed certificate or one from an internal "
           "CA. The migration service refuses to build a trusted TLS session, so endpoint "
           "creation fails with a trust error.",
    .fix = (const char *const[]){
      "See what is bound: Get-ExchangeCertificate | fl Thumbprint,Subject,CertificateDomains,"
      "NotAfter,Services,RootCAType",
      "Request a public CA certificate: New-ExchangeCertificate -Server {server} -GenerateRequest "
      "-SubjectName \"CN={host}\" -DomainName {host},"
      "autodiscover.{domain} -PrivateKeyExportable $true -RequestFile "
      "\\\\{server}\\share\\mail.req",
      "Import the issued certificate and bind it on every server behind the name: "
      "Import-ExchangeCertificate -Server {server} -FileData ([System.IO.File]::ReadAllBytes("
      "'\\\\{server}\\share\\mail.cer')); Enable-ExchangeCertificate -Server {server} -Thumbprint "
      "<thumbprint> -Services IIS",
      "If a load balancer or reverse proxy presents its own certificate, install the public "
      "one there too",
      NULL },
    .check = "migcheck tls {target}",
    .source = "KB 2389390; KB 2903050 (\"We weren't able to connect to the remote server\" "
              "error) (\"your certificate is valid\")",
    .commands = "tls remote-move outlook-anywhere autodiscover imap config explain",
    .scenarios = "self-signed autodiscover-self-signed" },

  /* WARN: Windows clients can often fetch a missing intermediate themselves (AIA), so this
     may work today and fail from another client or when the CA's URL is unreachable. */
  { .id = "TLS_CERT_CHAIN_INCOMPLETE", .severity = MC_WARN, .area = "tls",
    .title = "Certificate chain incomplete: the intermediate CA is not sent",
    .why = "The server sends its own certificate without the intermediate CA certificate "
           "that issued it. Clients able to download the intermediate may still connect, but "
           "any client that cannot fails chain validation, so the endpoint can fail "
           "intermittently or only from some places.",
    .fix = (const char *const[]){
      "Get the intermediate certificate(s) from your CA and add them to the Local Computer "
      "Intermediate Certification Authorities store on every Exchange server: "
      "certutil -addstore CA intermediate.cer",
      "On a load balancer or reverse proxy that terminates TLS, attach the intermediate "
      "bundle to the SSL profile",
      "Run iisreset (reboot if the old chain is still sent) and check again",
      NULL },
    .check = "migcheck tls {target}",
    .source = "RFC 8446 sec. 4.4.2 (the sender's chain); RFC 5246 sec. 7.4.2",
    .commands = "tls remote-move outlook-anywhere autodiscover imap",
    .scenarios = "chain-incomplete" },

  { .id = "TLS_CERT_NAME_MISMATCH", .severity = MC_FAIL, .area = "tls",
    .title = "Certificate does not cover the host name",
    .why = "Neither the subject nor any SAN entry of the certificate matches the name the "
           "endpoint connects to (a wildcard covers only one label). Exchange Online treats "
           "the server as untrustworthy and will not connect; for Outlook Anywhere the "
           "Connectivity Analyzer may also report that mutual authentication failed.",
    .fix = (const char *const[]){
      "Compare the names: Get-ExchangeCertificate | fl Thumbprint,Subject,CertificateDomains,"
      "Services",
      "Get a certificate whose SAN includes the published names ({host}, "
      "autodiscover.{domain}) and enable it for IIS, or point the endpoint at a covered "
      "name: Set-MigrationEndpoint -Identity \"Hybrid Migration Endpoint - EWS (Default Web "
      "Site)\" -RemoteServer {host}",
      "Check that the load balancer or firewall serves the same certificate for this name "
      "(SNI and default profile)",
      NULL },
    .check = "migcheck tls {target}",
    .source = "RFC 6125 sec. 6; KB 2389390; Microsoft Learn troubleshooting article "
              "mutual-authentication-could-not-be-established-error-if-testing-outlook-anywhere",
    .commands = "tls remote-move outlook-anywhere autodiscover imap config explain",
    .scenarios = "name-mismatch addr-second-other-cert" },

  { .id = "TLS_CERT_EXPIRED", .severity = MC_FAIL, .area = "tls",
    .title = "Certificate expired or not yet valid",
    .why = "The current time is outside the certificate's validity dates. Exchange Online "
           "rejects it during the handshake, so every endpoint test and every running move "
           "fails until a current certificate is bound.",
    .fix = (const char *const[]){
      "Find it: Get-ExchangeCertificate | fl Thumbprint,Subject,NotAfter,Services",
      "Renew: Get-ExchangeCertificate -Thumbprint {thumbprint} | New-ExchangeCertificate "
      "-GenerateRequest -RequestFile \\\\{server}\\share\\renew.req, then bring in the issued "
      "certificate with Import-ExchangeCertificate",
      "Bind it on every server and device: Enable-ExchangeCertificate -Server {server} -Thumbprint "
      "<new thumbprint> -Services IIS (add IMAP if used), then Remove-ExchangeCertificate "
      "-Thumbprint {thumbprint}",
      NULL },
    .check = "migcheck tls {target}",
    .source = "RFC 5280 sec. 4.1.2.5 (validity); KB 2903050 (\"We weren't able to connect to "
              "the remote server\" error)",
    .commands = "tls remote-move outlook-anywhere autodiscover imap config",
    .scenarios = "expired lb-one-expired autodiscover-expired-insecure imap-starttls-expired "
                  "imap-starttls-expired-insecure" },

  /* WARN: it works today; the date is known, so the outage can be avoided. */
  { .id = "TLS_CERT_EXPIRES_SOON", .severity = MC_WARN, .area = "tls",
    .title = "Certificate expires within 30 days",
    .why = "The certificate is valid today, but only for {days_left} more days. On its end "
           "date Exchange Online starts rejecting the handshake, and every endpoint test and "
           "every running move fails until a renewed certificate is bound on every server and "
           "device that presents it.",
    .fix = (const char *const[]){
      "Find it: Get-ExchangeCertificate -Thumbprint {thumbprint} | fl Subject,"
      "CertificateDomains,NotAfter,Services",
      "Renew before the end date: Get-ExchangeCertificate -Thumbprint {thumbprint} | "
      "New-ExchangeCertificate -GenerateRequest -RequestFile \\\\{server}\\share\\renew.req, "
      "then bring in the issued certificate with Import-ExchangeCertificate",
      "Bind the new one on every server and device: Enable-ExchangeCertificate -Server {server} "
      "-Thumbprint <new thumbprint> -Services IIS (add IMAP if used)",
      NULL },
    .check = "migcheck tls {target}",
    .source = "RFC 5280 sec. 4.1.2.5 (validity); Microsoft Learn: Get-ExchangeCertificate",
    .commands = "tls remote-move outlook-anywhere autodiscover imap",
    .scenarios = "expiring-soon" },

  /* ---- front door: HTTP ---- */
  { .id = "HTTP_PREAUTH", .severity = MC_FAIL, .area = "http",
    .title = "A device in front answers instead of Exchange (pre-authentication)",
    .why = "The reply to the EWS/MRSProxy request came from something other than Exchange: a "
           "redirect to a login page, a Basic challenge with a foreign realm, or an HTML 403 "
           "page from a reverse proxy, WAF or gateway. The MRS client can only answer "
           "Exchange's own NTLM/Negotiate challenge, so pre-authentication breaks endpoint "
           "creation and moves.",
    .fix = (const char *const[]){
      "Publish these paths without pre-authentication, in a rule placed above the other "
      "Exchange rules: /ews/mrsproxy.svc, /ews/exchange.asmx/wssecurity, "
      "/autodiscover/autodiscover.svc/wssecurity, /autodiscover/autodiscover.svc",
      "On TMG set that rule to 'No delegation, but client may authenticate directly' for All "
      "Users; on F5 APM disable the access policy (ACCESS::disable) for those paths",
      "If the device cannot pass the traffic untouched, bypass it for the migration (a "
      "separate name or a NAT rule straight to the Exchange servers)",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" "
              "(pre-authentication); KB 10094 (Troubleshoot migration issues in Exchange "
              "hybrid)",
    .commands = "remote-move outlook-anywhere config explain",
    .scenarios = "preauth-login-redirect preauth-foreign-basic" },

  { .id = "HTTP_TIMEOUT", .severity = MC_FAIL, .area = "http",
    .title = "No HTTP response: the request was accepted but never answered",
    .why = "TCP and TLS worked, but no HTTP response arrived before the deadline. A device "
           "holding or buffering the request, a hung application pool, or a front end that "
           "cannot reach its back end all look like this, and Exchange Online gives up with "
           "a timeout error.",
    .fix = (const char *const[]){
      "Look for this run's request in the IIS logs of every Exchange server: if it is absent, "
      "a device in front is holding it; if present with a long time-taken, the server side "
      "is slow",
      "On the server recycle the EWS pool and check services: Restart-WebAppPool "
      "MSExchangeServicesAppPool; Test-ServiceHealth",
      "On load balancers and reverse proxies raise idle and response timeouts for /EWS and "
      "/rpc and turn off request buffering for those paths",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Q&A question 1660225; Microsoft Learn: "
              "Test-MigrationServerAvailability",
    .commands = "remote-move outlook-anywhere config explain",
    .scenarios = "slow-backend hostile-endless-chunked hostile-slow-drip" },

  { .id = "HTTP_SERVICE_UNAVAILABLE", .severity = MC_FAIL, .area = "http",
    .title = "HTTP 503: the service or its application pool is unavailable",
    .why = "The server, or a load balancer with no healthy members, answered 503 Service "
           "Unavailable. On Exchange this usually means the application pool behind /EWS or "
           "/rpc is stopped or its queue is full, or the front end could not reach a back-end "
           "server, so no migration request can be served.",
    .fix = (const char *const[]){
      "Check the pools: Import-Module WebAdministration; Get-ChildItem IIS:\\AppPools | ft "
      "Name,State; then Start-WebAppPool MSExchangeServicesAppPool (for /rpc: "
      "MSExchangeRpcProxyFrontEndAppPool and MSExchangeRpcProxyAppPool)",
      "Check the Exchange services with Test-ServiceHealth and start any that are stopped",
      "Read the HTTPERR and HttpProxy logs for the reason (QueueFull, AppOffline, back-end "
      "errors) and the load balancer's pool health",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "RFC 9110 sec. 15.6.4; KB 943891; KB 2832198",
    .commands = "remote-move outlook-anywhere config explain",
    .scenarios = "service-unavailable lb-one-server-503" },

  { .id = "HTTP_SERVER_ERROR", .severity = MC_FAIL, .area = "http",
    .title = "HTTP 500/502: the server fails while handling the request",
    .why = "Exchange, or a proxy in front of it, returned an internal error (500) or a bad "
           "gateway (502). The request reached a web server but the application failed, for "
           "example because of a damaged web.config, a missing Exchange Auth certificate or a "
           "broken back-end connection, so the migration call never completes.",
    .fix = (const char *const[]){
      "Read the Application event log on {server} at the failure time for ASP.NET event 1309 and "
      "MSExchange errors",
      "If the answer mentions 'Missing signing certificate' see EWS_AUTH_CERT_MISSING; if an "
      "update damaged the web.config files, run .\\UpdateCas.ps1 from %ExchangeInstallPath%Bin "
      "(Exchange 2013+) and then iisreset",
      "For 502, check the reverse proxy's connection to the Exchange servers (certificate, "
      "name, port)",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "RFC 9110 sec. 15.6.1; KB 943891; KB 3063045",
    .commands = "remote-move config explain",
    .scenarios = "server-error" },

  { .id = "HTTP_UNEXPECTED_STATUS", .severity = MC_FAIL, .area = "http",
    .title = "An HTTP answer no rule explains (an unexplained 403, 4xx or 5xx)",
    .why = "The request reached a web server, which answered with a status that none of "
           "migcheck's more specific causes explains. Exchange Online's request fails the same "
           "way. The status, the headers and the page title in the evidence show who answered "
           "and point at the setting to look at.",
    .fix = (const char *const[]){
      "Find the hop that answered from the evidence (Server, Via, X-FEServer, the page "
      "title) and read its log for this run id (migcheck logs on the IIS logs)",
      "For a 403 from IIS read the substatus in the IIS log (403.4 SSL required, 403.6 IP "
      "address rejected, 403.14 ...) and correct the virtual directory's settings",
      "For a 4xx or 5xx from a device in front, correct its rule for /EWS (or /rpc, "
      "/autodiscover) so that it passes the request to Exchange unchanged",
      NULL },
    .check = "migcheck remote-move --server mail.contoso.com --user 'CONTOSO\\migadmin'",
    .source = "RFC 9110 sec. 15 (status codes); Microsoft Learn: The HTTP status code in IIS "
              "7.0 and later versions",
    .commands = "remote-move" },

  /* ---- front door: EWS, MRSProxy and authentication ---- */
  { .id = "EWS_NOT_PUBLISHED", .severity = MC_FAIL, .area = "ews",
    .title = "EWS is not published to the internet",
    .why = "https://<host>/EWS/Exchange.asmx does not reach Exchange from outside: it gives "
           "404, a page that is not Exchange's, or no credential prompt. MRSProxy lives under "
           "the EWS virtual directory, so without EWS there is no migration endpoint at that "
           "name.",
    .fix = (const char *const[]){
      "Publish https://{host}/EWS/ on the firewall or reverse proxy to the Exchange "
      "servers (on TMG, create a rule that publishes EWS)",
      "Set the external URL on every server: Set-WebServicesVirtualDirectory -Identity "
      "\"{vdir}\" -ExternalUrl https://{host}/EWS/Exchange.asmx",
      "From outside, https://{host}/EWS/mrsproxy.svc must now bring up a credential "
      "prompt",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"; Microsoft Learn "
              "\"Enable the MRS Proxy endpoint for remote moves\"",
    .commands = "remote-move config explain",
    .scenarios = "ews-not-published autodiscover-wrong-mrs-host hostile-gzip-bomb "
                  "hostile-deflate-bomb hostile-close-after-handshake" },

  { .id = "MRSPROXY_URL_BLOCKED", .severity = MC_FAIL, .area = "ews",
    .title = "MRSProxy URL blocked while the rest of EWS gets through",
    .why = "/EWS/Exchange.asmx reaches Exchange, but /EWS/mrsproxy.svc is answered or dropped "
           "by something else (404, 403, a block page served with 200, reset or timeout). "
           "A URL filter or WAF rule that allows the familiar EWS paths but not mrsproxy.svc "
           "does exactly this, which is why "
           "the hybrid wizard can succeed while endpoint creation fails.",
    .fix = (const char *const[]){
      "Allow the path /EWS/mrsproxy.svc (POST) in the firewall or WAF URL filter, or allow "
      "all of 443 to the Exchange servers",
      "Make sure the rule does not pre-authenticate this path (see HTTP_PREAUTH)",
      "Confirm that POST /EWS/mrsproxy.svc lines now appear in the Exchange servers' IIS logs "
      "for the test",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" (URL filtering)",
    .commands = "remote-move config explain",
    .scenarios = "mrsproxy-url-blocked" },

  { .id = "MRSPROXY_DISABLED", .severity = MC_FAIL, .area = "ews",
    .title = "MRSProxy is disabled on the server that answered",
    .why = "An authenticated request to /EWS/mrsproxy.svc got 403 Forbidden from Exchange, "
           "which is how Exchange reports that the MRS proxy endpoint is off. It is off by "
           "default, must be on for every server behind the published name, and can show as "
           "enabled while being effectively off (Application log event 1309, 'MRS proxy "
           "service is disabled').",
    .fix = (const char *const[]){
      "Enable it on every server behind the name: Set-WebServicesVirtualDirectory -Identity "
      "\"{vdir}\" -MRSProxyEnabled $true (all at once: "
      "Get-WebServicesVirtualDirectory | Set-WebServicesVirtualDirectory -MRSProxyEnabled "
      "$true)",
      "If it already reads True, set it to $false and back to $true",
      "Run iisreset on each server, then confirm: Get-WebServicesVirtualDirectory | fl "
      "Server,MRSProxyEnabled",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "KB 3063913; Microsoft Learn \"Enable the MRS Proxy endpoint for remote moves\"",
    .commands = "remote-move logs config explain",
    .scenarios = "mrsproxy-disabled lb-passive-server" },

  { .id = "MRSPROXY_HANDLER_MISSING", .severity = MC_FAIL, .area = "ews",
    .title = "HTTP 405 on mrsproxy.svc: the WCF handler mapping is missing",
    .why = "POST /EWS/mrsproxy.svc returns 405 Method Not Allowed because IIS has no handler "
           "for .svc files (the svc-Integrated mapping is gone), so the WCF service behind "
           "MRSProxy never runs. Autodiscover.xml keeps working, which hides the problem, and "
           "federation lookups fail with 405 too.",
    .fix = (const char *const[]){
      "Re-register WCF with IIS on each affected server: \"%WINDIR%\\Microsoft.NET\\"
      "Framework64\\v3.0\\Windows Communication Foundation\\ServiceModelReg.exe\" -r",
      "Or restore the svc-Integrated handler mapping on the EWS virtual directory (IIS "
      "Manager > EWS > Handler Mappings > Revert To Parent)",
      "Run iisreset and test again",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "KB 2626696; KB 2773628",
    .commands = "remote-move logs config explain",
    .scenarios = "mrsproxy-handler-missing" },

  { .id = "EWS_WINDOWS_AUTH_DISABLED", .severity = MC_FAIL, .area = "ews",
    .title = "Windows (NTLM/Negotiate) authentication is off on EWS",
    .why = "The EWS 401 challenge offers neither Negotiate nor NTLM, only Basic. Exchange "
           "Online's MRS client signs in with Negotiate/NTLM, so it fails with (401) "
           "Unauthorized and an error saying the server sent 'Basic realm=...'.",
    .fix = (const char *const[]){
      "Turn it on: Set-WebServicesVirtualDirectory -Identity \"{vdir}\" "
      "-WindowsAuthentication $true",
      "On Exchange 2013+ also check in IIS Manager that Windows Authentication is enabled on "
      "EWS under the Exchange Back End site",
      "Run iisreset; if the Basic-only challenge remains with the setting on, a device in "
      "front is answering (see HTTP_PREAUTH)",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"; "
              "MicrosoftDocs/OfficeDocs-Exchange issue 1884; Microsoft Q&A question 2188108",
    .commands = "remote-move config explain",
    .scenarios = "windows-auth-off" },

  /* WARN: remote moves authenticate with NTLM/Negotiate; Basic is expected by the guidance
     (hybrid troubleshooting) but its absence alone does not stop a move. */
  { .id = "EWS_BASIC_AUTH_DISABLED", .severity = MC_WARN, .area = "ews",
    .title = "Basic authentication is off on EWS",
    .why = "The EWS challenge offers Negotiate/NTLM but not Basic. Moves normally sign in "
           "with NTLM, so this alone rarely blocks a migration, but the hybrid "
           "troubleshooting guidance expects Basic next to Windows authentication and the "
           "hybrid endpoint table lists Basic as the authorization method.",
    .fix = (const char *const[]){
      "Enable it: Set-WebServicesVirtualDirectory -Identity \"{vdir}\" "
      "-BasicAuthentication $true",
      "Run iisreset and confirm: Get-WebServicesVirtualDirectory | fl Server,"
      "BasicAuthentication,WindowsAuthentication",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"; Microsoft Learn "
              "\"Enable the MRS Proxy endpoint for remote moves\"",
    .commands = "remote-move config",
    .scenarios = "ep-offload-no-basic" },

  { .id = "AUTH_BAD_CREDENTIALS", .severity = MC_FAIL, .area = "ews",
    .title = "Credentials rejected: wrong user name, password or format",
    .why = "The server completed the authentication exchange and still refused the account. "
           "The endpoint credentials are wrong, expired or locked, or written in a form the "
           "server does not accept (use DOMAIN\\user); Exchange Online then reports (401) "
           "Unauthorized although the right schemes are offered.",
    .fix = (const char *const[]){
      "Sign in on-premises as {user} (OWA or ECP) and check that the account is "
      "enabled, not locked and its password not expired",
      "Update the endpoint: Set-MigrationEndpoint -Identity \"Hybrid Migration Endpoint - EWS "
      "(Default Web Site)\" -Credentials (Get-Credential {user})",
      "Re-test from Exchange Online PowerShell: Test-MigrationServerAvailability "
      "-ExchangeRemoteMove -RemoteServer {host} -Credentials (Get-Credential "
      "{user})",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "KB 10094 (Troubleshoot migration issues in Exchange hybrid); KB 907273; "
              "Microsoft Q&A question 1573031",
    .commands = "remote-move outlook-anywhere config explain",
    .scenarios = "bad-credentials oa-bad-credentials" },

  { .id = "AUTH_NTLM_CHALLENGE_BROKEN", .severity = MC_FAIL, .area = "http",
    .title = "The NTLM challenge that came back is malformed: something rewrites the header",
    .why = "The server (or a device in front of it) answered the NTLM negotiate with a "
           "challenge whose fields point outside the message or that is not valid base64. No "
           "client can answer it, so every Windows login fails before the password is even "
           "used. IIS does not send such challenges; a proxy, WAF or load balancer that "
           "rewrites or truncates WWW-Authenticate headers does.",
    .fix = (const char *const[]){
      "Compare the WWW-Authenticate header with one taken on the Exchange server itself "
      "(curl -v --ntlm -u '{user}' https://localhost/EWS/Exchange.asmx -k)",
      "Turn off header rewriting, size limits or 'authentication offload' for /EWS, /rpc and "
      "/Autodiscover on the device in front, or publish Exchange without it",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "[MS-NLMP] sec. 2.2.1.2 (CHALLENGE_MESSAGE) and 2.2.2.1 (AV_PAIR)",
    .commands = "remote-move outlook-anywhere autodiscover",
    .scenarios = "ntlm-challenge-mangled" },

  /* WARN: moves still progress, only slowly and with transient faults. */
  { .id = "LB_NO_AFFINITY", .severity = MC_WARN, .area = "ews",
    .title = "No session persistence on the load balancer in front of Exchange 2010 CAS",
    .why = "Exchange 2010 keeps the MRSProxy reliable-session state in the memory of one "
           "Client Access server, so all requests of a move must reach the same CAS. Without "
           "source-IP persistence they are spread out and moves crawl with transient errors "
           "such as 'wsrm:Identifier is not a known Sequence identifier', 'The reliable "
           "session was faulted' or SourceMailboxAlreadyBeingMovedTransientException.",
    .fix = (const char *const[]){
      "Set client source-IP persistence on the load balancer's 443 virtual server; cookie "
      "persistence does not help because MRS authenticates with NTLM",
      "Or, for the migration, publish a dedicated name that points at a single Exchange 2010 "
      "CAS (bypassing the load balancer)",
      "Exchange 2013 and later do not need affinity; if every CAS is 2013+, look elsewhere",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft blog (Learn archive) \"It's always the Load Balancer\"; Microsoft "
              "Exchange blog (Learn archive) \"Troubleshooting issues where the migration "
              "endpoint cannot be created in hybrid scenarios\"",
    .commands = "remote-move config explain",
    .scenarios = "lb-no-affinity" },

  { .id = "LB_INCONSISTENT_BACKENDS", .severity = MC_FAIL, .area = "ews",
    .title = "Servers behind the load balancer answer differently",
    .why = "Repeated requests to one name reached different servers, and not all of them can "
           "serve the migration: some have MRSProxy off, lack a service, present another "
           "certificate or are 'passive' servers. A move fails whenever a request lands on the "
           "wrong one, which makes the failure look random.",
    .fix = (const char *const[]){
      "Compare every server in the pool: Get-WebServicesVirtualDirectory | fl Server,"
      "MRSProxyEnabled,ExternalUrl,ExternalAuthenticationMethods",
      "Give them all the same settings and the same certificate: "
      "Get-WebServicesVirtualDirectory | Set-WebServicesVirtualDirectory -MRSProxyEnabled $true",
      "Take passive or retired servers out of the load-balancer pool, or point the migration "
      "name only at servers that are ready",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" (passive servers); "
              "KB 3063913",
    .commands = "remote-move outlook-anywhere autodiscover config",
    .scenarios = "lb-passive-server lb-one-server-503" },

  /* ---- Outlook Anywhere (RPC over HTTP: cutover and staged) ---- */
  { .id = "OA_NOT_PUBLISHED", .severity = MC_FAIL, .area = "oa",
    .title = "Outlook Anywhere (RPC over HTTP) is not published",
    .why = "/rpc/rpcproxy.dll does not answer as an RPC proxy from outside (404, a page that "
           "is not Exchange's, or no challenge). Cutover and staged migrations reach the "
           "source organization only through Outlook Anywhere, so the endpoint cannot be "
           "created without it.",
    .fix = (const char *const[]){
      "Exchange 2013+: Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" "
      "-ExternalHostname {host} -ExternalClientsRequireSsl $true "
      "-ExternalClientAuthenticationMethod Basic",
      "Exchange 2010: install the RPC over HTTP Proxy feature, then Enable-OutlookAnywhere "
      "-Server {server} -ExternalHostname {host} -ClientAuthenticationMethod Basic "
      "-SSLOffloading $false",
      "Exchange 2003: install the RPC over HTTP Proxy component and set the server up as an "
      "RPC-HTTP back-end in Exchange System Manager",
      "Publish /rpc/* on the firewall or reverse proxy to the Exchange servers",
      NULL },
    .check = "migcheck outlook-anywhere --exchange-server {server_fqdn} "
             "--rpc-proxy {target} --user '{user}'",
    .source = "KB 2903050 (\"We weren't able to connect to the remote server\" error); KB "
              "2389390",
    .commands = "outlook-anywhere config explain",
    .scenarios = "oa-not-published" },

  { .id = "OA_BASIC_NOT_OFFERED", .severity = MC_FAIL, .area = "oa",
    .title = "Outlook Anywhere does not offer Basic authentication",
    .why = "The 401 from /rpc/rpcproxy.dll lists NTLM/Negotiate but not Basic. Migration "
           "endpoints use Basic unless told otherwise, so an endpoint created with the "
           "defaults fails with 'Error 0x6ba (The RPC server is unavailable) from "
           "cli_NspiBind'.",
    .fix = (const char *const[]){
      "Exchange 2013+: Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" "
      "-ExternalClientAuthenticationMethod Basic -IISAuthenticationMethods Basic,NTLM,Negotiate",
      "Exchange 2010: Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" "
      "-ClientAuthenticationMethod Basic -IISAuthenticationMethods Basic,NTLM",
      "Run iisreset, then test from Exchange Online: Test-MigrationServerAvailability "
      "-ExchangeOutlookAnywhere -ExchangeServer {server_fqdn} -RPCProxyServer "
      "{host} -Credentials (Get-Credential) -EmailAddress {email} "
      "-Authentication Basic",
      "Or keep NTLM on the server and create the endpoint with -Authentication NTLM so both "
      "sides agree",
      NULL },
    .check = "migcheck outlook-anywhere --exchange-server {server_fqdn} "
             "--rpc-proxy {target} --user '{user}'",
    .source = "KB 2903050 (\"We weren't able to connect to the remote server\" error); "
              "MicrosoftDocs/OfficeDocs-Exchange issue 1800",
    .commands = "outlook-anywhere config explain",
    .scenarios = "oa-ntlm-only" },

  { .id = "OA_PORT_NOT_ALLOWED", .severity = MC_FAIL, .area = "oa",
    .title = "RPC proxy refuses the server:port (ValidPorts): RPC Error 6ba",
    .why = "The RPC proxy accepted the credentials but would not connect to the requested "
           "server and port, answering 'RPC Error: 6ba' (or 'Invalid RPC Port'). The RpcProxy "
           "ValidPorts list lacks that name with that port, so the migration's first NSPI call "
           "fails with 0x6ba from cli_NspiBind.",
    .fix = (const char *const[]){
      "Inspect the list: reg query HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v ValidPorts",
      "Add the short name, the internal FQDN and the public FQDN, each with 6001-6002 and "
      "6004: reg add HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v ValidPorts /t REG_SZ /d "
      "\"{validports}\" /f",
      "Exchange 2003/2007: restart System Attendant (net stop MSExchangeSA /y, then net start "
      "MSExchangeSA and net start MSExchangeIS); note that this restarts the Information "
      "Store too",
      "Exchange 2010 and later write the list themselves (ValidPorts_Exchange, "
      "ValidPorts_AutoConfig_Exchange): rather than editing it, run Restart-Service "
      "MSExchangeServiceHost and then iisreset",
      NULL },
    .check = "migcheck outlook-anywhere --exchange-server {server_fqdn} "
             "--rpc-proxy {target} --user '{user}'",
    .source = "KB 2903050 (\"We weren't able to connect to the remote server\" error) (RPC "
              "proxy ports); [MS-RPCH] RPC over HTTP Protocol",
    .commands = "outlook-anywhere logs config explain",
    .scenarios = "oa-validports-missing-6004 oa-validports-short-name-only" },

  { .id = "OA_BACKEND_UNAVAILABLE", .severity = MC_FAIL, .area = "oa",
    .title = "RPC proxy cannot reach the back end: nothing listens on 6001/6002/6004",
    .why = "The proxy accepted the request and the port is allowed, but the connection behind "
           "it failed: no service listens on the target port (typically NSPI on 6004 on the "
           "Exchange server or on the domain controllers), or an internal firewall blocks it. "
           "The migration sees the same 0x6ba from cli_NspiBind as with a ValidPorts gap.",
    .fix = (const char *const[]){
      "From the RPC proxy server test each target: telnet {server_fqdn} 6004 (and 6001, "
      "6002) must answer with ncacn_http/1.0",
      "Exchange 2003: mark {server} as RPC-HTTP back-end in Exchange System Manager; on each "
      "global catalog the proxy uses run reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\"
      "NTDS\\Parameters /v \"NSPI interface protocol sequences\" /t REG_MULTI_SZ /d "
      "ncacn_http:6004 /f and restart that DC",
      "List those global catalogs in ValidPorts as well (<GC>:6004;<GC FQDN>:6004)",
      "Exchange 2010 and later: start the RPC Client Access and Address Book services "
      "(Get-Service MSExchangeRPC,MSExchangeAB | Start-Service) and open 6001-6004 between "
      "proxy and back end",
      NULL },
    .check = "migcheck outlook-anywhere --exchange-server {server_fqdn} "
             "--rpc-proxy {target} --user '{user}'",
    .source = "KB 2903050 (\"We weren't able to connect to the remote server\" error); "
              "[MS-RPCH] RPC over HTTP Protocol",
    .commands = "outlook-anywhere logs config explain",
    .scenarios = "oa-nspi-not-listening" },

  { .id = "OA_SERVER_NAME_UNRESOLVED", .severity = MC_FAIL, .area = "oa",
    .title = "Exchange 2013+ cannot resolve the RPC server name (404)",
    .why = "The RPC proxy of Exchange 2013 or later answered 404 because it could not map the "
           "server name in the request to a mailbox server. These versions expect the mailbox "
           "GUID form <ExchangeGuid>@{domain} that Autodiscover hands out, so an endpoint "
           "built with an old or wrong ExchangeServer value fails.",
    .fix = (const char *const[]){
      "Take the name from Autodiscover (EXCH Server), or build it from "
      "(Get-Mailbox {email}).ExchangeGuid as <ExchangeGuid>@{domain}",
      "Create the endpoint with that value: New-MigrationEndpoint -ExchangeOutlookAnywhere "
      "-Name Cutover -ExchangeServer <ExchangeGuid>@{domain} -RpcProxyServer "
      "{host} -Credentials (Get-Credential) -EmailAddress {email} "
      "-Authentication Basic",
      "Or create the endpoint through Autodiscover so Exchange Online picks the name itself",
      NULL },
    .check = "migcheck outlook-anywhere --exchange-server {server_fqdn} "
             "--rpc-proxy {target} --user '{user}'",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol (EXCH Server); "
              "[MS-RPCH] RPC over HTTP Protocol",
    .commands = "outlook-anywhere logs",
    .scenarios = "oa-2013-unresolvable-server" },

  { .id = "OA_BIND_REJECTED", .severity = MC_FAIL, .area = "oa",
    .title = "DCE/RPC bind rejected: the interface is not offered on that port",
    .why = "The RPC over HTTP tunnel opened, but the server behind it refused the bind for "
           "NSPI, EMSMDB or RFR (bind_nak or provider rejection). Something listens on the "
           "port but not the expected Exchange interface, for example a domain controller on "
           "6004 without NSPI over HTTP, so the migration's first RPC call fails.",
    .fix = (const char *const[]){
      "Check which server the name in the request reaches and that it is the Exchange or "
      "global catalog server you meant",
      "Exchange 2003: register NSPI over HTTP on the global catalogs (NSPI interface protocol "
      "sequences = ncacn_http:6004, see OA_BACKEND_UNAVAILABLE) and set up the Exchange server "
      "as RPC-HTTP back-end; restart",
      "Exchange 2010 and later: Restart-Service MSExchangeRPC,MSExchangeAB on the mailbox "
      "server",
      NULL },
    .check = "migcheck outlook-anywhere --exchange-server {server_fqdn} "
             "--rpc-proxy {target} --user '{user}'",
    .source = "KB 2903050 (\"We weren't able to connect to the remote server\" error); "
              "[MS-OXNSPI]; [MS-OXCRPC]",
    .commands = "outlook-anywhere" },

  /* ---- Autodiscover ---- */
  { .id = "AUTODISCOVER_NOT_FOUND", .severity = MC_FAIL, .area = "autodiscover",
    .title = "No Autodiscover service found for the domain",
    .why = "None of the standard places answered as Autodiscover: https://{domain}, "
           "https://autodiscover.{domain}, the HTTP redirect on port 80 and the "
           "_autodiscover._tcp SRV record. Exchange Online cannot then discover the migration "
           "server, and an endpoint created through Autodiscover fails (Exchange 2003 has no "
           "Autodiscover at all).",
    .fix = (const char *const[]){
      "Publish Autodiscover: a public DNS record autodiscover.{domain} pointing at the "
      "Exchange publishing address, that name in the certificate SAN, and /autodiscover/* "
      "allowed through the firewall",
      "If that name cannot be used, add an SRV record _autodiscover._tcp.{domain} pointing "
      "to {host} port 443",
      "Or create the endpoint with manual settings: -RemoteServer {host} (remote "
      "move) or -ExchangeServer {server_fqdn} -RpcProxyServer {host} (Outlook "
      "Anywhere)",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol (discovery order); "
              "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"",
    .commands = "remote-move outlook-anywhere autodiscover" },

  { .id = "AUTODISCOVER_AUTH_FAILED", .severity = MC_FAIL, .area = "autodiscover",
    .title = "Autodiscover rejects the credentials",
    .why = "Autodiscover answered but refused the supplied account (401 or 403 after "
           "authentication). Exchange Online needs an authenticated Autodiscover answer to "
           "learn the server settings, so discovery fails even when the rest of the path "
           "works.",
    .fix = (const char *const[]){
      "Check the account form and password ({user} or its UPN) and that the "
      "account is neither locked nor expired",
      "Check the virtual directory: Get-AutodiscoverVirtualDirectory | fl Server,"
      "*Authentication*; enable what is missing with Set-AutodiscoverVirtualDirectory "
      "-Identity \"{server}\\Autodiscover (Default Web Site)\" -WindowsAuthentication $true "
      "-BasicAuthentication $true",
      "Make sure no device pre-authenticates /autodiscover/autodiscover.svc (see HTTP_PREAUTH)",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol; KB 10094 "
              "(Troubleshoot migration issues in Exchange hybrid)",
    .commands = "remote-move outlook-anywhere autodiscover",
    .scenarios = "autodiscover-auth-fail autodiscover-echo-credentials" },

  { .id = "AUTODISCOVER_BAD_RESPONSE", .severity = MC_FAIL, .area = "autodiscover",
    .title = "Autodiscover answer is not a usable settings response",
    .why = "The Autodiscover URL returned something other than valid settings: an HTML page, "
           "an <Error> response (ErrorCode 500, 600 ...), or XML without the EXPR/EXCH "
           "protocol data the migration needs. Exchange Online then fails with "
           "MigrationAutodiscoverConfigurationFailure or cannot locate the server.",
    .fix = (const char *const[]){
      "Read the raw answer migcheck shows: an HTML body means a device or the wrong web site "
      "answered the request",
      "For an <Error> answer, use the address of a mailbox that exists on-premises and check "
      "the request reached Exchange's /autodiscover directory",
      "Give Outlook Anywhere an external host name so EXPR is returned: Set-OutlookAnywhere "
      "-Identity \"{server}\\Rpc (Default Web Site)\" -ExternalHostname {host} "
      "-ExternalClientsRequireSsl $true -ExternalClientAuthenticationMethod Basic",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol (POX response)",
    .commands = "remote-move outlook-anywhere autodiscover",
    .scenarios = "autodiscover-bad-xml hostile-xml-entities hostile-xml-nesting" },

  /* WARN: entering the public names by hand still works; discovery is what breaks. */
  { .id = "AUTODISCOVER_INTERNAL_URL", .severity = MC_WARN, .area = "autodiscover",
    .title = "Autodiscover hands out internal host names",
    .why = "The Autodiscover answer points EWS or Outlook Anywhere at names that only resolve "
           "inside the network ({server_fqdn}, an internal URL). Clients inside keep "
           "working, but Exchange Online follows those names from the internet and cannot "
           "reach them, so only an endpoint with hand-entered public names works.",
    .fix = (const char *const[]){
      "Set the external names: Set-WebServicesVirtualDirectory -Identity \"{server}\\EWS (Default "
      "Web Site)\" -ExternalUrl https://{host}/EWS/Exchange.asmx",
      "And: Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" -ExternalHostname "
      "{host} -ExternalClientsRequireSsl $true",
      "Until then, create the endpoint with manual settings that use {host}",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol; Microsoft Q&A "
              "question 1186736",
    .commands = "remote-move outlook-anywhere autodiscover config explain",
    .scenarios = "autodiscover-internal-urls" },

  { .id = "AUTODISCOVER_UNSAFE_REDIRECT", .severity = MC_FAIL, .area = "autodiscover",
    .title = "Autodiscover redirects to an unsafe place",
    .why = "A discovery step redirected to plain http:// or to a host outside the user's "
           "domain that nothing vouches for, or the answer named such a host for EWS or "
           "Outlook Anywhere. Following it could hand credentials to the wrong server (the "
           "2021 autodiscover.<TLD> credential leak worked that way), so migcheck does not "
           "contact it and discovery cannot complete.",
    .fix = (const char *const[]){
      "Make the redirect on http://autodiscover.{domain}/autodiscover/autodiscover.xml "
      "point to an https:// URL in your own namespace "
      "(https://{host}/autodiscover/autodiscover.xml)",
      "Remove redirects to third-party or old hosting providers from DNS and IIS",
      "If the redirect or host is intended (another domain you own), name that domain with "
      "--allow-redirect when running migcheck, or create the endpoint with manual settings",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol (redirects); "
              "Guardicore 2021 \"Autodiscovering the Great Leak\"",
    .commands = "remote-move outlook-anywhere autodiscover",
    .scenarios = "autodiscover-cross-domain-redirect autodiscover-foreign-host "
                  "autodiscover-lookalike-host" },

  { .id = "AUTODISCOVER_REDIRECT_LOOP", .severity = MC_FAIL, .area = "autodiscover",
    .title = "Autodiscover redirects in a loop or too many times",
    .why = "Autodiscover kept redirecting (HTTP 3xx, redirectAddr or redirectUrl) back to a "
           "place already visited, or past the limit of 10 redirects. Clients stop there, so "
           "no settings come back and Autodiscover-based endpoint creation fails.",
    .fix = (const char *const[]){
      "Follow the chain migcheck prints and fix the step that points back, usually an IIS "
      "HTTP Redirect on the Autodiscover directory or a recipient whose targetAddress leads "
      "into the same loop",
      "Remove HTTP Redirect from the /Autodiscover virtual directory in IIS Manager on every "
      "server, then iisreset",
      "Test with the address of a mailbox that lives on-premises",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol (redirects, at most "
              "10)",
    .commands = "remote-move outlook-anywhere autodiscover",
    .scenarios = "autodiscover-redirect-loop" },

  /* ---- IMAP ---- */
  { .id = "IMAP_NOT_IMAP", .severity = MC_FAIL, .area = "imap",
    .title = "Port does not answer as an IMAP server",
    .why = "The connection opened but the greeting was not an IMAP '* OK' line: another "
           "service, a web server or a device answers on that port, or it closes at once. "
           "IMAP migration needs a real IMAP server on 993 (or 143), so the endpoint test "
           "fails.",
    .fix = (const char *const[]){
      "Check that the NAT or forwarding rule sends 993/143 to the Exchange server running "
      "IMAP4",
      "Start the service on Exchange: Start-Service MSExchangeIMAP4 (and MSExchangeIMAP4BE on "
      "2013+); Set-Service MSExchangeIMAP4 -StartupType Automatic",
      "Check the bindings: Get-ImapSettings | fl SSLBindings,UnencryptedOrTLSBindings,"
      "ExternalConnectionSettings",
      NULL },
    .check = "migcheck imap {target}",
    .source = "KB 10062 (Troubleshoot issues with IMAP mailbox migration); RFC 3501 sec. "
              "7.1.1 (greeting)",
    .commands = "imap",
    .scenarios = "imap-not-imap hostile-imap-no-greeting" },

  { .id = "IMAP_NO_TLS", .severity = MC_FAIL, .area = "imap",
    .title = "IMAP offers no encryption (neither IMAPS nor STARTTLS)",
    .why = "Neither implicit TLS on 993 nor STARTTLS on 143 is available. The migration would "
           "have to send user passwords in clear text, which Exchange refuses by default, so "
           "the endpoint needs TLS to sign in at all.",
    .fix = (const char *const[]){
      "Bind a public certificate to IMAP: Enable-ExchangeCertificate -Server {server} -Thumbprint "
      "<thumbprint> -Services IMAP",
      "Set the certificate name and restart: Set-ImapSettings -X509CertificateName "
      "{host}; Restart-Service MSExchangeIMAP4,MSExchangeIMAP4BE",
      "Publish 993 and create the endpoint with -Security Ssl -Port 993",
      NULL },
    .check = "migcheck imap {host}:143 --security tls",
    .source = "RFC 3501 sec. 6.2.1 (STARTTLS); RFC 8314; KB 10062 (Troubleshoot issues with "
              "IMAP mailbox migration)",
    .commands = "imap",
    .scenarios = "imap-no-starttls" },

  { .id = "IMAP_LOGIN_DISABLED", .severity = MC_FAIL, .area = "imap",
    .title = "IMAP refuses LOGIN before STARTTLS (LOGINDISABLED)",
    .why = "On port 143 the server advertises LOGINDISABLED until STARTTLS has been done, "
           "which is Exchange's default (LoginType SecureLogin). An endpoint set to -Security "
           "None -Port 143 can therefore never sign in.",
    .fix = (const char *const[]){
      "Create the endpoint with encryption: New-MigrationEndpoint -IMAP -Name IMAP "
      "-RemoteServer {host} -Port 993 -Security Ssl (or -Port 143 -Security Tls)",
      "Keep Set-ImapSettings -LoginType SecureLogin; switching to PlainTextLogin just for the "
      "migration exposes every password on the wire",
      NULL },
    .check = "migcheck imap {host}:143 --security none",
    .source = "RFC 3501 sec. 6.2.3 (LOGINDISABLED); RFC 8314",
    .commands = "imap",
    .scenarios = "imap-login-disabled" },

  { .id = "IMAP_AUTH_FAILED", .severity = MC_FAIL, .area = "imap",
    .title = "IMAP login fails for the migration account",
    .why = "The IMAP server refused the login. The CSV credentials are wrong or in the wrong "
           "form, IMAP is disabled for the mailbox, or the admin used for super-user login "
           "lacks FullAccess; Exchange Online reports that it had trouble signing in to the "
           "account.",
    .fix = (const char *const[]){
      "Check the CSV: for admin (super-user) login on Exchange put <domain>/<admin>/<user> in "
      "UserName with the admin's password",
      "Give the admin FullAccess: Add-MailboxPermission -Identity {mailbox} -User "
      "{user} -AccessRights FullAccess -InheritanceType All",
      "Make sure IMAP is enabled for the user: Set-CASMailbox -Identity {mailbox} "
      "-ImapEnabled $true",
      NULL },
    .check = "migcheck imap {target} --user '{user}'",
    .source = "KB 10062 (Troubleshoot issues with IMAP mailbox migration)",
    .commands = "imap config explain",
    .scenarios = "imap-bad-credentials imap-echo-credentials" },

  /* ---- on-premises logs: IIS W3C, HTTPERR, HttpProxy ---- */
  { .id = "LOG_NO_MIGRATION_TRAFFIC", .severity = MC_FAIL, .area = "logs",
    .title = "No migration requests in the server logs",
    .why = "The IIS logs of the Exchange servers hold no /EWS/mrsproxy.svc or "
           "/rpc/rpcproxy.dll requests for the test period, not even the ones migcheck "
           "stamped with its run id. The requests stop before IIS (DNS, firewall, a device in "
           "front) or land on a server whose logs were not collected.",
    .fix = (const char *const[]){
      "Reproduce with Test-MigrationServerAvailability or migcheck, wait a few minutes and "
      "search again (IIS log times are UTC)",
      "Collect C:\\inetpub\\logs\\LogFiles\\W3SVC1 from every Exchange server behind the name, "
      "not just one",
      "If no server has the requests, check the firewall and reverse-proxy logs and rules for "
      "the Exchange Online ranges and the /EWS/mrsproxy.svc path",
      NULL },
    .check = "migcheck logs ./W3SVC1 ./HTTPERR",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" (look for the "
              "request in the IIS logs)",
    .commands = "logs" },

  { .id = "LOG_TRAFFIC_ON_WRONG_SERVER", .severity = MC_FAIL, .area = "logs",
    .title = "Migration requests reach a server that should not serve them",
    .why = "The mrsproxy.svc or rpcproxy.dll requests show up in the logs of a server that is "
           "not meant to take them (passive, old, or without MRSProxy) instead of the intended "
           "one. The firewall NAT rule or the load-balancer pool sends the migration to the "
           "wrong place.",
    .fix = (const char *const[]){
      "Aim the NAT rule or load-balancer pool for the migration name at the intended servers "
      "only",
      "Or make the receiving server ready: MRSProxy and the required authentication enabled",
      "Compare the servers: Get-ExchangeServer | fl Name,ServerRole,AdminDisplayVersion and "
      "Get-WebServicesVirtualDirectory | fl Server,MRSProxyEnabled,ExternalUrl",
      NULL },
    .check = "migcheck logs ./W3SVC1",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" (passive servers)",
    .commands = "logs" },

  { .id = "LOG_AUTH_FAILURES", .severity = MC_FAIL, .area = "logs",
    .title = "Logs show migration requests failing authentication",
    .why = "Migration requests end in 401 with no 200 after them: 401 1 2148074252 "
           "(0x8009030C, logon denied: bad password, locked or disabled account) or 401 1 0 "
           "for a failed Basic logon. A lone 401 1 2148074254 (0x8009030E) is only the normal "
           "first leg of NTLM, not a failure.",
    .fix = (const char *const[]){
      "Check the endpoint account {user} (password, lockout, expiry) and update it: "
      "Set-MigrationEndpoint -Identity \"Hybrid Migration Endpoint - EWS (Default Web Site)\" "
      "-Credentials (Get-Credential {user})",
      "Read the Security event log on the server (event 4625) for the exact reason",
      "If the account is fine, look at authentication policies and protected-group "
      "membership (AUTH_LEGACY_BLOCKED_BY_POLICY, AUTH_PROTECTED_GROUP)",
      NULL },
    .check = "migcheck logs ./W3SVC1",
    .source = "KB 907273; KB 2749007; Microsoft Exchange blog (Learn archive) "
              "\"Troubleshooting issues where the migration endpoint cannot be created in "
              "hybrid scenarios\"",
    .commands = "logs" },

  { .id = "LOG_NTLM_SPLIT", .severity = MC_FAIL, .area = "logs",
    .title = "NTLM handshake split across connections or servers",
    .why = "The logs show 401 1 2148074248 (0x80090308, invalid token): the NTLM challenge and "
           "response arrived on different connections or servers. A load balancer without "
           "persistence, or a proxy that does not keep the client's connection, breaks NTLM, "
           "so the logon never completes.",
    .fix = (const char *const[]){
      "Enable source-IP persistence on the load balancer for 443 (cookie persistence does not "
      "help NTLM)",
      "Make any reverse proxy keep one back-end connection per client connection (no "
      "connection pooling or multiplexing for /EWS and /rpc)",
      "As a test, point the migration name at one server and run the check again",
      NULL },
    .check = "migcheck logs ./W3SVC1",
    .source = "Microsoft blog (Learn archive) \"It's always the Load Balancer\"; KB 907273",
    .commands = "logs" },

  { .id = "LOG_SERVER_ERRORS", .severity = MC_FAIL, .area = "logs",
    .title = "Logs show server-side errors for migration requests",
    .why = "Migration requests reached IIS and were answered with 5xx or unexpected 4xx codes "
           "(500, 503, 400, 405 ...). The network path works, so the fault is in IIS or "
           "Exchange on that server, and the status and substatus point at it.",
    .fix = (const char *const[]){
      "Read the decoded status lines: 405 on mrsproxy.svc = missing svc handler; 403 for an "
      "authenticated user = MRSProxy disabled; 400 late in a move = WCF quota; 503 = pool or "
      "back end down",
      "Check the Application event log on that server at the same (UTC) time",
      "Apply the fix of the matching cause (MRSPROXY_HANDLER_MISSING, MRSPROXY_DISABLED, "
      "MRSPROXY_WCF_QUOTA, HTTP_SERVICE_UNAVAILABLE), then iisreset",
      NULL },
    .check = "migcheck logs ./W3SVC1",
    .source = "KB 943891; Microsoft Exchange blog (Learn archive) \"Troubleshooting issues "
              "where the migration endpoint cannot be created in hybrid scenarios\"",
    .commands = "logs" },

  /* WARN: a few dropped connections are normal on a busy server; this one points at a
     device in the path and shows up as transient, retried errors rather than a hard stop. */
  { .id = "HTTPERR_CONNECTION_DROPPED", .severity = MC_WARN, .area = "logs",
    .title = "HTTP.sys dropped or timed out migration connections",
    .why = "The HTTPERR log shows migration URLs ending in Connection_Dropped, "
           "Timer_ConnectionIdle, Timer_EntityBody or Client_Reset. Something on the client "
           "side, usually a firewall, IPS or proxy in the path, closed or stalled the "
           "connection before the request was done; Exchange Online sees transient "
           "communication errors and slow moves.",
    .fix = (const char *const[]){
      "Line the times (UTC) up with the firewall and IPS logs, and exempt the Exchange Online "
      "ranges from inspection, flood limits and short idle timeouts",
      "Raise idle timeouts on load balancers and proxies for /EWS and /rpc well above two "
      "minutes",
      "If the request body stalls (Timer_EntityBody), turn off request buffering on the proxy "
      "for these paths",
      NULL },
    .check = "migcheck logs ./HTTPERR",
    .source = "KB 820729; KB 937692",
    .commands = "logs" },

  { .id = "HTTPERR_QUEUE_FULL", .severity = MC_FAIL, .area = "logs",
    .title = "HTTP.sys rejected requests: application pool queue full or offline",
    .why = "The HTTPERR log shows QueueFull, AppOffline or Connections_Refused for migration "
           "URLs. The application pool behind /EWS or /rpc was stopped, crashing or "
           "overloaded, so HTTP.sys answered 503 before Exchange ever saw the request.",
    .fix = (const char *const[]){
      "Check and start the pools: Import-Module WebAdministration; Get-ChildItem "
      "IIS:\\AppPools | ft Name,State; Start-WebAppPool MSExchangeServicesAppPool",
      "Look in the System and Application logs for w3wp crashes or rapid-fail protection "
      "stopping the pool",
      "Lower concurrency while the server is short of resources: Set-MigrationEndpoint "
      "-Identity \"Hybrid Migration Endpoint - EWS (Default Web Site)\" "
      "-MaxConcurrentMigrations 20",
      NULL },
    .check = "migcheck logs ./HTTPERR",
    .source = "KB 820729; KB 2832198",
    .commands = "logs" },

  { .id = "PROXY_BACKEND_ERRORS", .severity = MC_FAIL, .area = "logs",
    .title = "Front end could not proxy migration requests to the back end",
    .why = "The Exchange 2013+ HttpProxy log (Ews or RpcHttp) shows migration requests "
           "failing between the front end and the mailbox server: a 4xx/5xx BackEndStatus, "
           "a ProtocolError in GenericErrors, or a sub-error such as BackEndRequestTimedOut. "
           "The front door worked; the failure is inside the Exchange organization.",
    .fix = (const char *const[]){
      "Read TargetServer, BackEndStatus, ErrorCode and GenericErrors in "
      "%ExchangeInstallPath%Logging\\HttpProxy\\Ews for the failing requests",
      "A (400) Bad Request often means the EWS ExternalUrl does not match the published name "
      "(see CFG_EWS_EXTERNAL_URL_MISMATCH); a timeout or 503 means the target server or its "
      "MSExchangeServicesAppPool is unhealthy",
      "Check the target server: Test-ServiceHealth -Server <target server>, and Restart-WebAppPool "
      "MSExchangeServicesAppPool on it if needed",
      NULL },
    .check = "migcheck logs ./HttpProxy/Ews",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"; "
              "SammyKrosoft/Hybrid-Config-Wiz-Checks (GitHub)",
    .commands = "logs config explain" },

  /* ---- pasted configuration: PowerShell fl output, RpcProxy registry ---- */
  { .id = "CFG_MRSPROXY_DISABLED", .severity = MC_FAIL, .area = "config",
    .title = "MRSProxyEnabled is False on an EWS virtual directory",
    .why = "The pasted Get-WebServicesVirtualDirectory output shows MRSProxyEnabled : False "
           "for at least one server. MRSProxy is off after setup, and every migration request "
           "that lands on such a server is refused.",
    .fix = (const char *const[]){
      "On each listed server: Set-WebServicesVirtualDirectory -Identity \"{server}\\EWS (Default "
      "Web Site)\" -MRSProxyEnabled $true",
      "Run iisreset and paste Get-WebServicesVirtualDirectory | fl Server,MRSProxyEnabled "
      "again",
      NULL },
    .check = "migcheck config ews-vdir.txt",
    .source = "KB 3063913; Microsoft Learn \"Enable the MRS Proxy endpoint for remote moves\"",
    .commands = "config" },

  { .id = "CFG_EWS_EXTERNAL_URL_MISSING", .severity = MC_FAIL, .area = "config",
    .title = "EWS ExternalUrl is empty",
    .why = "ExternalUrl is blank on an EWS virtual directory. Autodiscover then gives outside "
           "clients no EWS address for that server, and the hybrid wizard and Exchange Online "
           "have no published name to find MRSProxy at.",
    .fix = (const char *const[]){
      "Set it on every internet-facing server: Set-WebServicesVirtualDirectory -Identity "
      "\"{vdir}\" -ExternalUrl https://{host}/EWS/Exchange.asmx",
      "Use the public name that the certificate covers and the firewall publishes",
      NULL },
    .check = "migcheck config ews-vdir.txt",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"; Microsoft Learn "
              "\"Enable the MRS Proxy endpoint for remote moves\"",
    .commands = "remote-move outlook-anywhere autodiscover config" },

  { .id = "CFG_EWS_AUTH_METHODS", .severity = MC_FAIL, .area = "config",
    .title = "EWS authentication methods lack Windows (NTLM) authentication",
    .why = "ExternalAuthenticationMethods (or WindowsAuthentication : False) shows that "
           "NTLM/WindowsIntegrated is not enabled on EWS. Exchange Online authenticates its "
           "MRSProxy calls with Windows authentication, so the endpoint fails with 401; Basic "
           "is expected alongside it.",
    .fix = (const char *const[]){
      "Set-WebServicesVirtualDirectory -Identity \"{vdir}\" "
      "-WindowsAuthentication $true -BasicAuthentication $true -WSSecurityAuthentication $true",
      "Run iisreset and confirm: Get-WebServicesVirtualDirectory | fl Server,"
      "ExternalAuthenticationMethods,WindowsAuthentication,BasicAuthentication,"
      "WSSecurityAuthentication",
      NULL },
    .check = "migcheck config ews-vdir.txt",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\"; "
              "MicrosoftDocs/OfficeDocs-Exchange issue 1884",
    .commands = "config" },

  { .id = "CFG_OA_AUTH_NOT_BASIC", .severity = MC_FAIL, .area = "config",
    .title = "Outlook Anywhere client authentication is not Basic",
    .why = "Get-OutlookAnywhere shows ExternalClientAuthenticationMethod (ClientAuthentication"
           "Method on 2010) other than Basic, or IISAuthenticationMethods without Basic. "
           "Cutover and staged endpoints use Basic by default, so the NSPI bind fails with "
           "0x6ba unless both sides agree.",
    .fix = (const char *const[]){
      "Exchange 2013+: Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" "
      "-ExternalClientAuthenticationMethod Basic -IISAuthenticationMethods Basic,NTLM,Negotiate",
      "Exchange 2010: Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" "
      "-ClientAuthenticationMethod Basic -IISAuthenticationMethods Basic,NTLM",
      "Run iisreset, or keep NTLM and create the endpoint with -Authentication NTLM",
      NULL },
    .check = "migcheck config outlookanywhere.txt",
    .source = "KB 2903050 (\"We weren't able to connect to the remote server\" error); "
              "MicrosoftDocs/OfficeDocs-Exchange issue 1800",
    .commands = "config" },

  /* WARN: RPC over HTTP keeps working; the setting is a risk and clashes with Extended
     Protection rather than a break on its own. */
  { .id = "CFG_OA_SSL_OFFLOADING", .severity = MC_WARN, .area = "config",
    .title = "Outlook Anywhere SSLOffloading is True",
    .why = "SSLOffloading : True removes 'Require SSL' from the /rpc directory so that a device "
           "can pass decrypted traffic on. That only makes sense when a load balancer really "
           "terminates TLS, it cannot be combined with Extended Protection, and migrations "
           "expect TLS all the way to the server.",
    .fix = (const char *const[]){
      "If nothing offloads TLS in front of the servers: Set-OutlookAnywhere -Identity "
      "\"{server}\\Rpc (Default Web Site)\" -SSLOffloading $false, then iisreset",
      "If a device does offload, switch it to SSL bridging (re-encrypt with the same "
      "certificate) and then set SSLOffloading to $false",
      NULL },
    .check = "migcheck config outlookanywhere.txt",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" (SSL offloading); "
              "microsoft/CSS-Exchange documentation \"Extended Protection\"",
    .commands = "config" },

  { .id = "CFG_VALIDPORTS_MISSING", .severity = MC_FAIL, .area = "config",
    .title = "RpcProxy ValidPorts lacks required name:port entries",
    .why = "The exported HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy ValidPorts value does not list "
           "the server's short name, internal FQDN and public FQDN, each with 6001-6002 and "
           "6004. Requests for a missing combination are refused with RPC Error 6ba and the "
           "cutover endpoint fails.",
    .fix = (const char *const[]){
      "reg add HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v ValidPorts /t REG_SZ /d "
      "\"{validports}\" /f",
      "Exchange 2003/2007: restart System Attendant (net stop MSExchangeSA /y, net start "
      "MSExchangeSA, net start MSExchangeIS); later versions: Restart-Service "
      "MSExchangeServiceHost, then iisreset",
      "Export again to verify: reg export HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy "
      "rpcproxy.reg",
      NULL },
    .check = "migcheck config rpcproxy.reg",
    .source = "KB 2903050 (\"We weren't able to connect to the remote server\" error) (RPC "
              "proxy ports); [MS-RPCH] RPC over HTTP Protocol",
    .commands = "config" },

  /* WARN: the fault shows only on the requests that reach the odd server. */
  { .id = "CFG_SERVERS_DIFFER", .severity = MC_WARN, .area = "config",
    .title = "Servers behind the same name are configured differently",
    .why = "The pasted output of several servers shows a setting that differs between them "
           "(MRSProxyEnabled, EWS or Outlook Anywhere authentication, SSLOffloading). A load "
           "balancer or DNS round robin sends each request to any of them, so requests that "
           "land on the odd server fail and the migration fails at random: the 'passive' server.",
    .fix = (const char *const[]){
      "Run the Set- command given in the finding on the server it names, so that every "
      "server behind {host} has the same settings",
      "Or take that server out of the load-balancer pool until it matches",
      "Paste the output of every server again: Get-WebServicesVirtualDirectory | fl "
      "Identity,Server,MRSProxyEnabled,ExternalAuthenticationMethods",
      NULL },
    .check = "migcheck config ews-vdir.txt",
    .source = "Microsoft Exchange blog (Learn archive) \"Troubleshooting issues where the "
              "migration endpoint cannot be created in hybrid scenarios\" (every server, "
              "passive servers)",
    .commands = "config" },

  /* WARN: migcheck cannot judge what it did not read; it says so instead of
     calling the value empty or complete. */
  { .id = "CFG_VALUE_TOO_LONG", .severity = MC_WARN, .area = "config",
    .title = "A pasted value is longer than migcheck reads",
    .why = "One property in the pasted Format-List output is longer than 64 KiB. No Exchange "
           "setting the migration needs is that long (an ExternalUrl is a few dozen bytes), so "
           "either the setting holds something it should not or the paste joined several "
           "lines into one. migcheck keeps the start only and judges nothing from it.",
    .fix = (const char *const[]){
      "Look at the value on the server the finding names, e.g. "
      "Get-WebServicesVirtualDirectory | Format-List Identity,ExternalUrl",
      "Set it to what it should be, e.g. Set-WebServicesVirtualDirectory -Identity "
      "\"EX01\\EWS (Default Web Site)\" -ExternalUrl https://mail.contoso.com/EWS/Exchange.asmx",
      "Export the output again with 'migcheck config --collect' and check it",
      NULL },
    .check = "migcheck config ews-vdir.txt",
    .source = "Microsoft Learn: Set-WebServicesVirtualDirectory (ExternalUrl); "
              "RFC 9110 sec. 4.1 (URI length)",
    .commands = "config" },

  /* ---- the server's registry: SCHANNEL, .NET, Lsa ---- */
  { .id = "CFG_TLS12_DISABLED", .severity = MC_FAIL, .area = "config",
    .title = "TLS 1.2 is disabled in SCHANNEL on the Exchange server",
    .why = "The exported SCHANNEL Protocols key sets Enabled to 0 or DisabledByDefault to 1 for "
           "TLS 1.2 on the Server or the Client side. Exchange Online connects to on-premises "
           "(MRSProxy, free/busy, Autodiscover) with TLS 1.2 only, so with the Server side off "
           "every handshake fails; with the Client side off the server cannot reach Exchange "
           "Online, Entra ID (OAuth, the Hybrid Configuration Wizard) or the Hybrid Agent.",
    .fix = (const char *const[]){
      "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"
      "Protocols\\TLS 1.2\\Server\" /v Enabled /t REG_DWORD /d 1 /f",
      "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"
      "Protocols\\TLS 1.2\\Server\" /v DisabledByDefault /t REG_DWORD /d 0 /f (the same two "
      "lines with \\Client for the Client side)",
      "Restart the server: SCHANNEL reads these values at start only",
      NULL },
    .check = "migcheck config schannel.reg",
    .source = "Microsoft Learn: Exchange Server TLS configuration best practices; Microsoft "
              "Learn: Transport Layer Security (TLS) registry settings",
    .commands = "config" },

  /* WARN when the values are absent (.NET 4.7+ builds may still use the system default);
     raised as FAIL when a value is set to 0. */
  { .id = "CFG_DOTNET_TLS_NOT_DEFAULT", .severity = MC_WARN, .area = "config",
    .title = ".NET Framework is not set to use the system TLS versions and strong crypto",
    .why = "SystemDefaultTlsVersions or SchUseStrongCrypto is not 1 under "
           "HKLM\\SOFTWARE\\[WOW6432Node\\]Microsoft\\.NETFramework\\v4.0.30319 (v2.0.50727 "
           "for .NET 3.5, Exchange 2010). Exchange's .NET code then may offer TLS 1.0 and old "
           "ciphers on its outbound connections, and Exchange Online and Entra ID refuse them: "
           "the Hybrid Configuration Wizard, OAuth and the Hybrid Agent fail.",
    .fix = (const char *const[]){
      "reg add \"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\" /v "
      "SystemDefaultTlsVersions /t REG_DWORD /d 1 /f and the same with /v SchUseStrongCrypto",
      "The same two values under HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\"
      "v4.0.30319 (and under v2.0.50727 in both places)",
      "Restart the server",
      NULL },
    .check = "migcheck config dotnet.reg",
    .source = "Microsoft Learn: Exchange Server TLS configuration best practices; Microsoft "
              "Learn: Transport Layer Security (TLS) best practices with the .NET Framework",
    .commands = "config" },

  /* WARN: a suite list without what Exchange Online offers breaks TLS 1.2; the finding says
     which list. */
  { .id = "CFG_TLS_CIPHER_ORDER", .severity = MC_WARN, .area = "config",
    .title = "The cipher suite order policy has no suite Exchange Online uses",
    .why = "The SSL Cipher Suite Order policy (HKLM\\SOFTWARE\\Policies\\Microsoft\\"
           "Cryptography\\Configuration\\SSL\\00010002 Functions) lists no ECDHE AES-GCM suite. "
           "Windows then offers and accepts only the suites listed, and TLS 1.2 handshakes with "
           "Exchange Online find no suite in common.",
    .fix = (const char *const[]){
      "In the Group Policy that sets it (Computer Configuration > Administrative Templates > "
      "Network > SSL Configuration Settings > SSL Cipher Suite Order) put "
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 first",
      "gpupdate /force, then restart the server",
      NULL },
    .check = "migcheck config ciphers.reg",
    .source = "Microsoft Learn: Exchange Server TLS configuration best practices; Microsoft "
              "Learn: Prioritizing Schannel cipher suites",
    .commands = "config" },

  /* WARN unless Extended Protection is known to be on (then FAIL). */
  { .id = "CFG_EP_SUPPRESSED", .severity = MC_WARN, .area = "config",
    .title = "SuppressExtendedProtection is set in the Lsa key",
    .why = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa SuppressExtendedProtection is not 0: "
           "Windows leaves the channel binding token out of NTLM and Kerberos. With Extended "
           "Protection on in IIS (tokenChecking Require) the logons between Exchange servers "
           "and from clients then fail, or Extended Protection does not protect what it should.",
    .fix = (const char *const[]){
      "reg add HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa /v SuppressExtendedProtection /t "
      "REG_DWORD /d 0 /f",
      "Restart the server",
      NULL },
    .check = "migcheck config lsa.reg",
    .source = "Microsoft Learn: Configure Windows Extended Protection in Exchange Server "
              "(prerequisites)",
    .commands = "config" },

  /* WARN unless Extended Protection is known to be on (then FAIL). */
  { .id = "CFG_EP_NTLMV1", .severity = MC_WARN, .area = "config",
    .title = "NTLMv1 is allowed where Extended Protection needs NTLMv2",
    .why = "LmCompatibilityLevel under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa is below 3, "
           "so the server sends LM and NTLMv1 responses. NTLMv1 carries no channel binding, and "
           "Extended Protection refuses such logons.",
    .fix = (const char *const[]){
      "reg add HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa /v LmCompatibilityLevel /t "
      "REG_DWORD /d 3 /f (or higher), or the Group Policy 'Network security: LAN Manager "
      "authentication level' set to 'Send NTLMv2 response only'",
      "Check the clients and domain controllers the same way",
      NULL },
    .check = "migcheck config lsa.reg",
    .source = "Microsoft Learn: Configure Windows Extended Protection in Exchange Server; "
              "Microsoft Learn: Network security: LAN Manager authentication level",
    .commands = "config" },

  /* ---- the server's IIS configuration: applicationHost.config ---- */
  { .id = "CFG_IIS_BINDING", .severity = MC_FAIL, .area = "config",
    .title = "An Exchange web site lacks its https binding",
    .why = "applicationHost.config shows Default Web Site without https on 443, or Exchange "
           "Back End without https on 444. Exchange Online reaches the front end on 443, and "
           "the front end proxies every EWS, MRSProxy and RPC request to the back end on 444; "
           "without the binding those requests fail with 503 or a reset.",
    .fix = (const char *const[]){
      "New-WebBinding -Name \"Exchange Back End\" -Protocol https -Port 444 -IPAddress * (or "
      "\"Default Web Site\" with -Port 443)",
      "In IIS Manager, Edit Bindings: give the https binding a certificate (the 'Microsoft "
      "Exchange' self-signed certificate on the back end, the public one on the front end)",
      "iisreset, then export applicationHost.config again",
      NULL },
    .check = "migcheck config applicationHost.config",
    .source = "Microsoft Learn: Default settings for Exchange virtual directories; Microsoft "
              "Learn: Exchange Server TLS configuration best practices",
    .commands = "config" },

  /* FAIL when stricter than the table on a migration path; WARN otherwise. */
  { .id = "CFG_EP_MISMATCH", .severity = MC_WARN, .area = "config",
    .title = "Extended Protection tokenChecking differs from Microsoft's table for a vdir",
    .why = "With Extended Protection on, each virtual directory of Default Web Site and "
           "Exchange Back End has an expected tokenChecking (None, Allow or Require). A vdir "
           "stricter than the table refuses logons that carry no matching channel binding "
           "(Exchange Online's MRSProxy logons on the front-end EWS, Autodiscover); a weaker "
           "one leaves the protection out.",
    .fix = (const char *const[]){
      "Set the value the finding gives: Set-WebConfigurationProperty -PSPath 'IIS:\\' "
      "-Location 'Default Web Site/EWS' -Filter 'system.webServer/security/authentication/"
      "windowsAuthentication' -Name extendedProtection.tokenChecking -Value Allow",
      "Or run ExchangeExtendedProtectionManagement.ps1 again, which applies the whole table",
      "iisreset",
      NULL },
    .check = "migcheck config applicationHost.config",
    .source = "Microsoft Learn: Configure Windows Extended Protection in Exchange Server",
    .commands = "config" },

  { .id = "CFG_EP_SSL_OFFLOADING", .severity = MC_FAIL, .area = "config",
    .title = "Extended Protection is on while TLS is offloaded",
    .why = "Extended Protection binds the Windows logon to the TLS channel. When a load "
           "balancer ends TLS (Outlook Anywhere SSLOffloading True, /rpc without Require SSL), "
           "the channel the client bound to is not the one the server sees, and NTLM and "
           "Kerberos logons fail. Microsoft does not support Extended Protection with SSL "
           "offloading.",
    .fix = (const char *const[]){
      "Switch the load balancer to SSL bridging with the same certificate as IIS, then "
      "Set-OutlookAnywhere -Identity \"EX01\\Rpc (Default Web Site)\" -SSLOffloading $false",
      "Or turn Extended Protection off with ExchangeExtendedProtectionManagement.ps1 "
      "-RollbackType RestoreIISAppConfig",
      NULL },
    .check = "migcheck config applicationHost.config outlookanywhere.txt",
    .source = "Microsoft Learn: Configure Windows Extended Protection in Exchange Server "
              "(SSL offloading)",
    .commands = "config" },

  { .id = "CFG_IIS_AUTH_DISABLED", .severity = MC_FAIL, .area = "config",
    .title = "IIS authentication a migration path needs is off",
    .why = "applicationHost.config shows Windows authentication off on EWS (front end or back "
           "end), or NTLM missing from its providers, or Basic and Windows off on Autodiscover "
           "or /rpc. Exchange Online signs in to MRSProxy with NTLM and to Autodiscover and "
           "Outlook Anywhere with Basic or NTLM; IIS answers 401 to every attempt.",
    .fix = (const char *const[]){
      "Set-WebServicesVirtualDirectory -Identity \"EX01\\EWS (Default Web Site)\" "
      "-WindowsAuthentication $true (the Exchange cmdlets keep IIS and Active Directory in "
      "step)",
      "Providers: Add-WebConfigurationProperty -PSPath 'IIS:\\' -Location 'Default Web "
      "Site/EWS' -Filter 'system.webServer/security/authentication/windowsAuthentication/"
      "providers' -Name '.' -Value NTLM",
      "iisreset",
      NULL },
    .check = "migcheck config applicationHost.config",
    .source = "Microsoft Learn: Default settings for Exchange virtual directories; Microsoft "
              "Learn: Prepare mailboxes for cross-forest moves (MRS Proxy)",
    .commands = "config" },

  /* WARN: a vdir web.config may set its own value; the finding says so. */
  { .id = "CFG_IIS_REQUEST_LIMIT", .severity = MC_WARN, .area = "config",
    .title = "IIS request size limit on a migration path is below the default",
    .why = "requestFiltering requestLimits maxAllowedContentLength on EWS, /rpc or Autodiscover "
           "(or inherited from the site or the server) is below IIS's default of 30,000,000 "
           "bytes. Migration requests with large items are refused with 404.13 or 413 "
           "(RequestEntityTooLarge).",
    .fix = (const char *const[]){
      "Set-WebConfigurationProperty -PSPath 'IIS:\\' -Location 'Default Web Site/EWS' -Filter "
      "'system.webServer/security/requestFiltering/requestLimits' -Name "
      "maxAllowedContentLength -Value 30000000 (or what the vdir's web.config sets)",
      "Check devices in front for their own body size limits",
      NULL },
    .check = "migcheck config applicationHost.config",
    .source = "Microsoft Learn: Request Limits <requestLimits> (IIS)",
    .commands = "config" },

  /* FAIL when nothing is allowed; WARN when some addresses are. */
  { .id = "CFG_IIS_IP_RESTRICTED", .severity = MC_WARN, .area = "config",
    .title = "IIS IP restrictions on a migration path",
    .why = "ipSecurity allowUnlisted is false on EWS, /rpc or Autodiscover: only listed "
           "addresses get through and everyone else gets 403.6. Exchange Online connects from "
           "its published address ranges (or, on the back end, the front-end servers proxy "
           "for it), which must be among them.",
    .fix = (const char *const[]){
      "Allow Exchange Online's ranges (Microsoft 365 URLs and IP address ranges, Exchange "
      "Online) or, on Exchange Back End/EWS, every Exchange server's address",
      "Or lift the restriction: Set-WebConfigurationProperty -PSPath 'IIS:\\' -Location "
      "'Default Web Site/EWS' -Filter 'system.webServer/security/ipSecurity' -Name "
      "allowUnlisted -Value True",
      NULL },
    .check = "migcheck config applicationHost.config",
    .source = "Microsoft Learn: IP Security <ipSecurity> (IIS); Microsoft Learn: Microsoft 365 "
              "URLs and IP address ranges",
    .commands = "config" },

  { .id = "CFG_IIS_PATH_BLOCKED", .severity = MC_FAIL, .area = "config",
    .title = "A URL Rewrite rule matches a migration path",
    .why = "A URL Rewrite rule in applicationHost.config matches /EWS/mrsproxy.svc, "
           "/EWS/Exchange.asmx, /rpc/rpcproxy.dll or /autodiscover and aborts, answers or "
           "redirects the request. Exchange Online's migration requests then never reach "
           "Exchange: the endpoint test fails with a reset, a 403/404 or a redirect it does "
           "not follow.",
    .fix = (const char *const[]){
      "Narrow the rule's pattern or add a condition that exempts the migration paths",
      "Or disable it: Set-WebConfigurationProperty -PSPath 'IIS:\\' -Filter "
      "\"system.webServer/rewrite/globalRules/rule[@name='NAME']\" -Name enabled -Value False",
      "iisreset",
      NULL },
    .check = "migcheck config applicationHost.config",
    .source = "Microsoft Learn: URL Rewrite Module Configuration Reference",
    .commands = "config" },

  /* FAIL when Extended Protection is shown on that server; WARN when it is on elsewhere. */
  { .id = "CFG_EP_BUILD_UNSUPPORTED", .severity = MC_WARN, .area = "config",
    .title = "Extended Protection on an Exchange build that does not support it",
    .why = "Get-ExchangeServer shows a server whose cumulative update is older than the first "
           "one with an Extended Protection capable security update (Exchange 2013 CU23, 2016 "
           "CU22, 2019 CU11, each with the August 2022 update or later), or Exchange 2010 and "
           "older, while Extended Protection is on. Exchange on such a build does not send or "
           "accept channel binding between its servers, and proxied logons fail.",
    .fix = (const char *const[]){
      "Install a supported cumulative update and its latest security update on that server",
      "Until then leave Extended Protection off there: ExchangeExtendedProtectionManagement.ps1 "
      "-SkipExchangeServerNames EX01",
      NULL },
    .check = "migcheck config exchange-servers.txt ews-vdir.txt",
    .source = "Microsoft Learn: Configure Windows Extended Protection in Exchange Server "
              "(prerequisites)",
    .commands = "config" },

  /* ---- the server's certificates ---- */
  { .id = "CFG_CERT_IIS_INVALID", .severity = MC_FAIL, .area = "config",
    .title = "The certificate IIS uses is not valid or has no private key",
    .why = "Get-ExchangeCertificate shows the certificate assigned to IIS, or bound to an "
           "https binding, with a Status other than Valid (DateInvalid: expired; Untrusted; "
           "RevocationCheckFailure) or without its private key. Exchange Online checks the "
           "certificate strictly and refuses the connection, so every migration request "
           "fails at the TLS handshake.",
    .fix = (const char *const[]){
      "Renew or replace it with a certificate from a public CA that covers the published "
      "names: New-ExchangeCertificate / Import-ExchangeCertificate with the .pfx",
      "Assign it: Enable-ExchangeCertificate -Server EX01 -Thumbprint <thumbprint> -Services "
      "IIS, on every server behind the name",
      "iisreset, then check from outside: migcheck tls mail.contoso.com",
      NULL },
    .check = "migcheck config certificates.txt sslcert.txt",
    .source = "Microsoft Learn: Get-ExchangeCertificate (Status); Microsoft Learn: Assign "
              "certificates to Exchange Server services",
    .commands = "config" },

  { .id = "CFG_CERT_BINDING_MISSING", .severity = MC_FAIL, .area = "config",
    .title = "An https binding presents a certificate that is not in the store",
    .why = "netsh http show sslcert (or applicationHost.config) binds a certificate hash that "
           "the Get-ExchangeCertificate output does not list: the certificate was removed or "
           "replaced after it was bound. HTTP.sys then fails the handshake or keeps serving "
           "a stale certificate.",
    .fix = (const char *const[]){
      "Bind a valid certificate again: Enable-ExchangeCertificate -Thumbprint <thumbprint> "
      "-Services IIS (front end), or Edit Bindings in IIS Manager (Exchange Back End: the "
      "'Microsoft Exchange' certificate)",
      "iisreset, and run netsh http show sslcert again to confirm",
      NULL },
    .check = "migcheck config certificates.txt sslcert.txt",
    .source = "Microsoft Learn: Assign certificates to Exchange Server services; Microsoft "
              "Learn: netsh http commands",
    .commands = "config" },

  { .id = "CFG_CERT_NOT_BOUND", .severity = MC_FAIL, .area = "config",
    .title = "The certificate seen from outside is not the one bound on the server",
    .why = "A migcheck report given beside the settings saw a certificate (by thumbprint) that "
           "differs from the one bound to 443 on the server. Something in front ends TLS with "
           "its own certificate (a load balancer, firewall or reverse proxy), or the name "
           "leads to another server. Exchange Online judges the certificate it sees; with "
           "Extended Protection the difference also breaks Windows logons.",
    .fix = (const char *const[]){
      "Install the server's certificate on the device in front (or bridge TLS with the same "
      "certificate), or point the published name at the server",
      "Check again from outside: migcheck tls mail.contoso.com --json > tls.json, then "
      "migcheck config tls.json sslcert.txt",
      NULL },
    .check = "migcheck tls mail.contoso.com",
    .source = "Microsoft Learn: Configure Windows Extended Protection in Exchange Server (SSL "
              "bridging needs the same certificate)",
    .commands = "config" },

  { .id = "CFG_CERT_NAME_MISSING", .severity = MC_FAIL, .area = "config",
    .title = "The certificate on 443 does not cover the published name, or is self-signed",
    .why = "The certificate bound to 443 (or, without the bindings, every public certificate "
           "assigned to IIS) lacks a name Exchange Online connects to (the EWS ExternalUrl "
           "host, the Outlook Anywhere ExternalHostname) in CertificateDomains, or is "
           "self-signed. Exchange Online verifies the certificate and its name and refuses "
           "the connection.",
    .fix = (const char *const[]){
      "Get a certificate from a public CA that covers every published name (SAN or a "
      "matching wildcard)",
      "Enable-ExchangeCertificate -Server EX01 -Thumbprint <thumbprint> -Services IIS on every "
      "server behind the name, then iisreset",
      NULL },
    .check = "migcheck tls mail.contoso.com",
    .source = "Microsoft Learn: Certificate requirements for hybrid deployments; RFC 6125 "
              "sec. 6.4.3 (wildcards)",
    .commands = "config" },

  /* WARN: a low limit slows batches down and makes some moves wait or fail. */
  { .id = "CFG_MRS_CONNECTIONS", .severity = MC_WARN, .area = "config",
    .title = "MRSProxy connection limit below what the migration endpoint asks for",
    .why = "MaxMRSConnections in MsExchangeMailboxReplication.exe.config (Exchange 2013 and "
           "later) or MRSProxyMaxConnections on the EWS virtual directory (Exchange 2010) is "
           "lower than the default of 100, or lower than the endpoint's "
           "MaxConcurrentMigrations. Moves beyond the limit fail with "
           "MRSProxyConnectionLimitReachedTransientException.",
    .fix = (const char *const[]){
      "Exchange 2013 and later: set MaxMRSConnections in %ExchangeInstallPath%Bin\\"
      "MsExchangeMailboxReplication.exe.config on every server, restart the Microsoft "
      "Exchange Mailbox Replication service (cumulative updates reset the file)",
      "Exchange 2010: Set-WebServicesVirtualDirectory -Identity \"EX01\\EWS (Default Web "
      "Site)\" -MRSProxyMaxConnections 100",
      "Or lower MaxConcurrentMigrations on the endpoint: Set-MigrationEndpoint -Identity "
      "<name> -MaxConcurrentMigrations 20",
      NULL },
    .check = "migcheck config MsExchangeMailboxReplication.exe.config",
    .source = "KB 3091026 (mailbox migration reached the maximum number of connections)",
    .commands = "config" },

  /* ---- the migration endpoint as Exchange Online holds it (--endpoint-file) ---- */
  { .id = "ENDPOINT_INTERNAL_NAME", .severity = MC_FAIL, .area = "config",
    .title = "Migration endpoint names a server only the inside network knows",
    .why = "The endpoint's RemoteServer (or RpcProxyServer) is a single-label name, an "
           "internal domain such as contoso.local, or a private address. Exchange Online "
           "resolves the name in public DNS and connects from the internet, so it never "
           "reaches the server, however well the server answers inside.",
    .fix = (const char *const[]){
      "Publish the service under a public name (mail.contoso.com) with a public A record and "
      "a certificate for that name",
      "Set-MigrationEndpoint -Identity \"Hybrid Migration Endpoint\" -RemoteServer "
      "mail.contoso.com (for Outlook Anywhere: -RpcProxyServer mail.contoso.com; the "
      "internal name stays in -ExchangeServer)",
      "Test it from Exchange Online: Test-MigrationServerAvailability -Endpoint "
      "\"Hybrid Migration Endpoint\"",
      NULL },
    .check = "migcheck remote-move --endpoint-file endpoints.txt",
    .source = "Microsoft Learn: New-MigrationEndpoint (RemoteServer, RpcProxyServer); "
              "Microsoft Learn: Perform a cutover migration of email to Microsoft 365",
    .commands = "remote-move outlook-anywhere imap config" },

  { .id = "ENDPOINT_OA_AUTH_NTLM", .severity = MC_WARN, .area = "config",
    .title = "Outlook Anywhere endpoint signs in with NTLM instead of Basic",
    .why = "A cutover or staged migration endpoint signs in to the RPC proxy with Basic by "
           "default. Set to NTLM, the migration service needs NTLM offered at /rpc and kept "
           "on one connection end to end; a reverse proxy, load balancer or pre-"
           "authenticating gateway in front usually breaks it, and the endpoint fails with "
           "0x6ba or an authentication error while Outlook clients inside work.",
    .fix = (const char *const[]){
      "Set-MigrationEndpoint -Identity \"Cutover Endpoint\" -Authentication Basic",
      "Offer Basic on the RPC proxy: Set-OutlookAnywhere -Identity "
      "\"EX01\\Rpc (Default Web Site)\" -ExternalClientAuthenticationMethod Basic "
      "-IISAuthenticationMethods Basic,NTLM",
      NULL },
    .check = "migcheck outlook-anywhere --endpoint-file endpoints.txt",
    .source = "Microsoft Learn: New-MigrationEndpoint (Authentication); KB 2903050",
    .commands = "remote-move outlook-anywhere imap config" },

  { .id = "ENDPOINT_PORT_NOT_443", .severity = MC_WARN, .area = "config",
    .title = "Remote move or Outlook Anywhere endpoint names a port other than 443",
    .why = "Exchange Online reaches MRSProxy and the RPC proxy over HTTPS on port 443 only. A "
           "port in the endpoint that is not 443 means the service is published somewhere "
           "the cloud does not connect to (or the value is left over from an IMAP "
           "endpoint).",
    .fix = (const char *const[]){
      "Publish https://mail.contoso.com/EWS/mrsproxy.svc (or /rpc/rpcproxy.dll) on TCP 443 "
      "of the public address",
      "Recreate the endpoint without a port: New-MigrationEndpoint -ExchangeRemoteMove "
      "-Name \"Hybrid Migration Endpoint\" -RemoteServer mail.contoso.com -Credentials "
      "(Get-Credential)",
      NULL },
    .check = "migcheck remote-move --endpoint-file endpoints.txt",
    .source = "Microsoft Learn: New-MigrationEndpoint (Port: IMAP only)",
    .commands = "remote-move outlook-anywhere imap config" },

  { .id = "ENDPOINT_IMAP_SECURITY_PORT", .severity = MC_WARN, .area = "config",
    .title = "IMAP endpoint's Security does not match its Port",
    .why = "Security Ssl means TLS from the first byte (port 993); Tls and None start in "
           "clear text (port 143). Ssl on 143 or Tls on 993 makes the migration service "
           "speak the wrong protocol to the port, and the endpoint test times out or fails "
           "the handshake.",
    .fix = (const char *const[]){
      "Set-MigrationEndpoint -Identity \"IMAP Endpoint\" -Port 993 -Security Ssl (or -Port "
      "143 -Security Tls)",
      "Test it from Exchange Online: Test-MigrationServerAvailability -Endpoint "
      "\"IMAP Endpoint\"",
      NULL },
    .check = "migcheck imap --endpoint-file endpoints.txt",
    .source = "Microsoft Learn: New-MigrationEndpoint (Port, Security); RFC 8314 sec. 3.3",
    .commands = "remote-move outlook-anywhere imap config" },

  /* ---- process: batches, throttling, locks, limits ---- */
  { .id = "NOTIFICATION_EMAIL_MISSING", .severity = MC_FAIL, .area = "process",
    .title = "Migration batch has no notification e-mail address",
    .why = "The batch was set up without a valid address for the migration report, and "
           "Exchange Online will not start it ('Please provide the list of notification "
           "mails'). In the older wizard the recipient picker could even be empty.",
    .fix = (const char *const[]){
      "Add a recipient: Set-MigrationBatch -Identity \"Batch1\" -NotificationEmails "
      "{email} (or pass -NotificationEmails to New-MigrationBatch)",
      "In the admin center, type the administrator's address in the report field, check the "
      "name and add it",
      "Start the batch again: Start-MigrationBatch -Identity \"Batch1\"",
      NULL },
    .check = "migcheck explain \"Please provide the list of notification mails\"",
    .source = "Microsoft Learn: New-MigrationBatch (-NotificationEmails)",
    .commands = "config explain" },

  /* WARN: nothing is broken on-premises; the test just has to wait. */
  { .id = "MIGRATION_THROTTLED", .severity = MC_WARN, .area = "process",
    .title = "Endpoint tests throttled: the last attempt was too recent",
    .why = "Exchange Online limits how often an endpoint may be tested and answers "
           "MigrationConnectionTestedTooRecentlyException, which the hybrid wizard shows as "
           "HCW8078. The on-premises side may be fine; the test has to wait.",
    .fix = (const char *const[]){
      "Wait until the time given in the message, then test again",
      "Create the endpoint in Exchange Online PowerShell instead: New-MigrationEndpoint "
      "-ExchangeRemoteMove -Name \"Hybrid Migration Endpoint - EWS (Default Web Site)\" "
      "-RemoteServer {host} -Credentials (Get-Credential {user})",
      "Or run the hybrid wizard again with the Migration Endpoint option cleared",
      NULL },
    .check = "migcheck explain \"MigrationConnectionTestedTooRecentlyException\"",
    .source = "Microsoft Learn troubleshooting article "
              "migration-endpoint-could-not-be-created",
    .commands = "config explain" },

  { .id = "MAILBOX_LOCKED", .severity = MC_FAIL, .area = "process",
    .title = "Source mailbox still locked by an earlier move session",
    .why = "The move fails with SourceMailboxAlreadyBeingMovedTransientException: the source "
           "store still holds the in-transit lock of an earlier MRSProxy session that was cut "
           "off. The lock goes away only when that session closes, and cut-off sessions "
           "usually come from a load balancer without affinity or a device that resets "
           "connections.",
    .fix = (const char *const[]){
      "Fix the communication problem first (LB_NO_AFFINITY, HTTP_FLOOD_PROTECTION, TCP_RESET)",
      "If the lock does not clear, end the stale session by recycling what hosts MRSProxy "
      "(Exchange 2010 CAS: Restart-WebAppPool MSExchangeServicesAppPool; 2013+: "
      "Restart-Service MSExchangeMailboxReplication on the mailbox server)",
      "Resume the move in Exchange Online: Resume-MoveRequest -Identity {mailbox}",
      NULL },
    .check = "migcheck explain \"SourceMailboxAlreadyBeingMovedTransientException\"",
    .source = "Microsoft blog (Learn archive) \"Source mailbox already being moved errors "
              "while moving mailboxes\"",
    .commands = "config explain" },

  /* WARN: moves over the limit wait and retry; batches slow down rather than fail. */
  { .id = "MRSPROXY_CONNECTION_LIMIT", .severity = MC_WARN, .area = "process",
    .title = "MRSProxy connection limit reached",
    .why = "MRSProxy accepts a limited number of concurrent move connections (100 by default) "
           "and answers MRSProxyConnectionLimitReachedTransientException beyond that. The "
           "extra moves are retried later, so large batches stall and run slowly.",
    .fix = (const char *const[]){
      "Exchange 2013+: raise MaxMRSConnections (MRSProxyConfiguration element) in "
      "%ExchangeInstallPath%Bin\\MSExchangeMailboxReplication.exe.config, then Restart-Service "
      "MSExchangeMailboxReplication; cumulative updates reset the file, so reapply after each",
      "Exchange 2010: Set-WebServicesVirtualDirectory -Identity \"{server}\\EWS (Default Web "
      "Site)\" -MRSProxyMaxConnections 320",
      "Or lower concurrency in Exchange Online: Set-MigrationEndpoint -Identity \"Hybrid "
      "Migration Endpoint - EWS (Default Web Site)\" -MaxConcurrentMigrations 100",
      NULL },
    .check = "migcheck explain \"MRSProxyConnectionLimitReachedTransientException\"",
    .source = "KB 3091026",
    .commands = "config explain" },

  /* ---- seen in public forum threads: network, TLS and front door ---- */
  { .id = "TCP_IP_ALLOWLIST_INCOMPLETE", .severity = MC_FAIL, .area = "tcp",
    .title = "Inbound source-address allow-list misses some Exchange Online addresses",
    .why = "Some migration requests get through and others time out because the firewall "
           "admits only part of the addresses Exchange Online connects from. Exchange Online "
           "has been seen connecting from addresses published under another Microsoft 365 "
           "service area, so a list built from the Exchange ranges alone can fall short.",
    .fix = (const char *const[]){
      "Allow the complete, current Microsoft 365 ranges on the rule that protects the "
      "migration name, not a hand-picked subset",
      "Before restricting 443 by source address, give MRSProxy its own FQDN and public IP so "
      "other published services are not cut off",
      "Check the firewall's deny log for 443 from Microsoft addresses during a failing move",
      NULL },
    .check = NULL,
    .source = "MicrosoftDocs/OfficeDocs-Enterprise issue 563; "
              "MicrosoftDocs/OfficeDocs-Exchange issue 1559",
    .commands = "config explain" },

  { .id = "TLS_INSPECTION", .severity = MC_FAIL, .area = "tls",
    .title = "A TLS-inspection device intercepts the migration traffic",
    .why = "A device decrypts and re-encrypts the traffic between Exchange Online and the "
           "hybrid server with a certificate of its own, so the peer sees the inspection CA "
           "and NTLM channel bindings no longer match. Endpoint creation and the hybrid wizard "
           "fail with access-denied or trust errors.",
    .fix = (const char *const[]){
      "Exempt traffic between the Exchange Online ranges and the Exchange servers (both "
      "directions) from TLS inspection",
      "Confirm that the certificate seen from outside is your public one, not one issued by "
      "the inspection CA",
      NULL },
    .check = "migcheck tls {target}",
    .source = "icehousesf/exchange-migration (GitHub); Microsoft Exchange blog (Learn "
              "archive) \"Troubleshooting issues where the migration endpoint cannot be "
              "created in hybrid scenarios\"",
    .commands = "config explain" },

  { .id = "HTTP_FLOOD_PROTECTION", .severity = MC_FAIL, .area = "http",
    .title = "Firewall flood or DoS protection blocks Exchange Online addresses",
    .why = "Moves fail part-way with CommunicationErrorTransientException because the "
           "firewall treats the many parallel MRS requests from a few Exchange Online "
           "addresses as a flood and blocks them for a while. TMG flood mitigation (HTTP "
           "requests per minute per IP) is the classic case; IDS/IPS rate limits do the same.",
    .fix = (const char *const[]){
      "Add the Exchange Online IP ranges to the flood-mitigation or DoS exception list (TMG: "
      "Configure Flood Mitigation > IP Exceptions)",
      "Raise the per-address HTTP request limit for those ranges (the documented TMG fix uses "
      "a custom limit of 6000 or more)",
      "Exempt the migration traffic from IDS/IPS rate signatures, then resume the failed "
      "moves: Get-MoveRequest -MoveStatus Failed | Resume-MoveRequest",
      NULL },
    .check = NULL,
    .source = "Microsoft Learn troubleshooting article "
              "mailbox-move-to-cloud-fail-with-error; KB 10094 (Troubleshoot migration "
              "issues in Exchange hybrid)",
    .commands = "config explain" },

  { .id = "HTTP_REQUEST_TOO_LARGE", .severity = MC_FAIL, .area = "http",
    .title = "HTTP 413: a request size limit in the path rejects MRS requests",
    .why = "A large request to mrsproxy.svc was refused with 413 Request Entity Too Large, "
           "with IIS's 404.13 (request filtering), or its connection was dropped during the "
           "upload. A WAF, reverse proxy or IIS request filter caps the body size below what "
           "MRS sends, so small probes pass and the move fails later.",
    .fix = (const char *const[]){
      "Find the hop that answered 413 or dropped the upload (migcheck shows the response "
      "headers and the sizes that passed and failed) and raise its body-size limit for "
      "/EWS/mrsproxy.svc (nginx client_max_body_size, a WAF's request size rule)",
      "In IIS Manager check Request Filtering > Edit Feature Settings > Maximum allowed "
      "content length on the EWS virtual directory (requestLimits maxAllowedContentLength)",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Q&A question 2202144; RFC 9110 sec. 15.5.14 (413 Content Too Large); "
              "Microsoft Learn: Request Limits <requestLimits> (IIS 404.13)",
    .commands = "remote-move config explain",
    .scenarios = "mrsproxy-body-limit mrsproxy-iis-content-length waf-drops-large-post" },

  { .id = "HYBRID_AGENT_UNREACHABLE", .severity = MC_FAIL, .area = "http",
    .title = "Hybrid Agent cannot relay to the on-premises server (504 via msappproxy.net)",
    .why = "With Modern Hybrid, Exchange Online reaches MRSProxy through "
           "<guid>.resource.mailboxmigration.his.msappproxy.net and the Hybrid Agent. A 504 "
           "Gateway Timeout or a timeout there means the agent could not complete the "
           "request: its outbound connections are blocked, its host is offline, or the "
           "server it forwards to lost its IIS certificate binding.",
    .fix = (const char *const[]){
      "On the agent host run Test-HybridConnectivity -TestO365Endpoints and open the outbound "
      "URLs and ports it reports (80/443 to the App Proxy and Service Bus endpoints, "
      "login.windows.net)",
      "Make sure the agent host is online and the agent service runs",
      "On the target server check the 443 certificate binding and rebind if it is gone: "
      "Enable-ExchangeCertificate -Server {server} -Thumbprint <thumbprint> -Services IIS",
      "From the agent host, confirm MRSProxy answers on the server it publishes",
      NULL },
    .check = "migcheck remote-move --server {server_fqdn} --user '{user}'",
    .source = "Microsoft Q&A questions 138054, 1507968, 1687837; Microsoft Learn: Exchange "
              "Modern Hybrid (Hybrid Agent)",
    .commands = "config explain" },

  /* ---- seen in public forum threads: EWS, MRSProxy and authentication ---- */
  { .id = "AUTH_PROTECTED_GROUP", .severity = MC_FAIL, .area = "ews",
    .title = "Exchange server account is in a protected AD group (AdminSDHolder)",
    .why = "The hybrid server's computer account belongs to a protected group, so adminCount "
           "is 1 and AdminSDHolder has switched off permission inheritance on it. MRSProxy "
           "then fails with 'Access is denied', which an Autodiscover-based test reports as "
           "'No MRSProxy was found running at ...'.",
    .fix = (const char *const[]){
      "Check: Get-ADComputer {server} -Properties adminCount,memberOf | fl adminCount,memberOf",
      "Remove {server} from the protected groups, e.g. Remove-ADGroupMember -Identity \"Domain "
      "Admins\" -Members (Get-ADComputer {server})",
      "Reset the flag: Set-ADComputer {server} -Replace @{adminCount=0}, then in AD Users and "
      "Computers > {server} > Security > Advanced enable inheritance",
      "Reboot {server}",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "KB 2975731",
    .commands = "config explain" },

  { .id = "AUTH_LEGACY_BLOCKED_BY_POLICY", .severity = MC_FAIL, .area = "ews",
    .title = "An authentication policy blocks legacy auth to EWS for the endpoint account",
    .why = "On Exchange 2019 CU1 or later, an authentication policy with "
           "BlockLegacyAuthWebServices applies to the migration account, directly or as the "
           "organization default. Migration endpoints sign in to EWS with legacy (NTLM/Basic) "
           "authentication, so the account is refused although its password is right.",
    .fix = (const char *const[]){
      "Find the policy: Get-AuthenticationPolicy | fl Name,BlockLegacyAuthWebServices; "
      "Get-User {user} | fl AuthenticationPolicy; Get-OrganizationConfig | fl "
      "DefaultAuthenticationPolicy",
      "Exclude the account: Set-User -Identity {user} -AuthenticationPolicy $null, "
      "or give it a policy of its own that does not block web services",
      "Re-test; if the old policy still applies, run iisreset on the servers",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Learn \"Block legacy authentication in Exchange 2019 hybrid\"; "
              "MicrosoftDocs/OfficeDocs-Exchange pull request 3119",
    .commands = "config explain" },

  { .id = "AUTH_EXTENDED_PROTECTION", .severity = MC_FAIL, .area = "ews",
    .title = "Extended Protection breaks behind SSL offloading or mismatched SSL bridging",
    .why = "Extended Protection ties NTLM to the TLS channel the server sees. When a load "
           "balancer terminates TLS, or re-encrypts with a different certificate, the channel "
           "binding does not match and every logon fails (Security log event 4625, status "
           "0xC000035B) even with the right password.",
    .fix = (const char *const[]){
      "Use SSL bridging with the same certificate and key on the load balancer and on IIS, "
      "or do not terminate TLS on the device at all",
      "Turn SSLOffloading off: Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" "
      "-SSLOffloading $false",
      "If the device cannot change, set Extended Protection to None on the affected front-end "
      "directory: Set-WebServicesVirtualDirectory -Identity \"{vdir}\" "
      "-ExtendedProtectionTokenChecking None, then iisreset",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Learn: Configure Windows Extended Protection in Exchange Server; "
              "Exchange Server security updates of August 2022 (EP made available); RFC 5929 "
              "sec. 4 (tls-server-end-point); [MS-NLMP] sec. 2.2.2.1 (MsvAvChannelBindings)",
    .commands = "remote-move outlook-anywhere autodiscover config explain",
    .scenarios = "ep-behind-ssl-offload ep-offload-no-basic" },

  { .id = "AUTH_NEGOTIATE_BLOCKED", .severity = MC_FAIL, .area = "ews",
    .title = "A device in front blocks the sign-in: requests with credentials never reach "
             "Exchange",
    .why = "Requests without credentials reach Exchange, which answers 401 and offers NTLM, "
           "but every request that carries an Authorization header (the first NTLM message, "
           "which holds no password) is dropped, reset, left unanswered, redirected or "
           "answered by a device's own page. A reverse proxy, WAF or IPS in front either "
           "pre-authenticates or cannot carry NTLM, whose handshake must stay on one "
           "connection from client to server. MRS cannot sign in, so endpoint creation and "
           "moves fail while the server looks healthy.",
    .fix = (const char *const[]){
      "On the reverse proxy or WAF, pass /EWS/mrsproxy.svc (and /EWS, /autodiscover) through "
      "without pre-authentication and without rules that drop or rewrite the Authorization "
      "and WWW-Authenticate headers",
      "Make the device keep the client's connection paired with one server connection "
      "(no connection pooling or multiplexing for these paths): NTLM over HTTP authenticates "
      "the connection, not the request",
      "If the device cannot pass NTLM untouched, bypass it for the migration (a separate "
      "name or a NAT rule straight to the Exchange servers)",
      NULL },
    .check = "migcheck remote-move --server mail.contoso.com",
    .source = "MS-NTHT (NTLM Over HTTP Protocol) sec. 3.2.5 (the handshake on one "
              "connection); RFC 4559 sec. 4 and 6 (connection-based authentication through "
              "proxies)",
    .commands = "remote-move",
    .scenarios = "negotiate-blocked negotiate-stalled login-blocked-403 login-redirected" },

  { .id = "HTTP_RESPONSE_HEADER_TOO_LARGE", .severity = MC_FAIL, .area = "http",
    .title = "The server or a device sent a response header too large to read",
    .why = "A response header line went past the size an HTTP client accepts (libcurl "
           "refuses headers over 100 KB; Exchange Online's clients stop much earlier). A "
           "device in front (a WAF or load balancer adding a huge cookie or diagnostic "
           "header) or a misbehaving application produced it; no client can read that answer, "
           "so the request fails before any Exchange logic is reached.",
    .fix = (const char *const[]){
      "Find which header it is: curl -sv https://HOST/EWS/Exchange.asmx -o /dev/null 2>&1 | "
      "awk 'length > 8000' on a machine inside, then outside the device",
      "Remove the rule, module or cookie that grows the header (on load balancers: "
      "persistence cookies and header-insertion rules; in IIS: custom headers and URL "
      "rewrite outbound rules)",
      "Check again from outside once the header is back to a normal size",
      NULL },
    .check = "migcheck remote-move --server mail.contoso.com",
    .source = "RFC 9112 sec. 2.3 and RFC 9110 sec. 5.4 (field limits); libcurl "
              "CURL_MAX_HTTP_HEADER (100 KB)",
    .commands = "remote-move outlook-anywhere autodiscover",
    .scenarios = "oversized-header" },

  { .id = "HYBRID_AGENT_EP_ENABLED", .severity = MC_FAIL, .area = "ews",
    .title = "Extended Protection enabled on a server published through the Hybrid Agent",
    .why = "Extended Protection is not supported on Exchange servers that Modern Hybrid "
           "publishes through the Hybrid Agent. Once it is on, the agent's EWS requests fail "
           "and mailbox migrations and free/busy stop.",
    .fix = (const char *const[]){
      "Leave Extended Protection off on the front-end EWS directory of agent-published "
      "servers; with the CSS-Exchange script run .\\ExchangeExtendedProtectionManagement.ps1 "
      "-SkipExchangeServerNames {server}",
      "Or directly: Set-WebServicesVirtualDirectory -Identity \"{vdir}\" "
      "-ExtendedProtectionTokenChecking None, then iisreset",
      "Restrict inbound access to that EWS directory to the Hybrid Agent host instead",
      NULL },
    .check = "migcheck config ews-vdir.txt",
    .source = "microsoft/CSS-Exchange documentation \"Extended Protection\"",
    .commands = "config explain" },

  { .id = "MRSPROXY_WCF_QUOTA", .severity = MC_FAIL, .area = "ews",
    .title = "MRSProxy WCF message quotas too small (HTTP 400 late in the move)",
    .why = "An offboarding or large move stops near 95% with HTTP 400 for /EWS/mrsproxy.svc "
           "in the IIS and HTTPERR logs. One MRS message (for example the mailbox rules sent "
           "by SetRules) is bigger than the MRSProxy WCF bindings of Exchange 2010 allow, so "
           "IIS rejects it.",
    .fix = (const char *const[]){
      "On every Exchange 2010 CAS in the path, back up and edit "
      "%ExchangeInstallPath%ClientAccess\\exchweb\\ews\\web.config: in the bindings "
      "MRSProxyHttpsBinding and MRSProxyWSSecurityBinding change maxReceivedMessageSize and "
      "the readerQuotas values from 1048576 to 8388608",
      "Run iisreset",
      "Resume the move: Resume-MoveRequest -Identity {mailbox}",
      NULL },
    .check = "migcheck logs ./W3SVC1 ./HTTPERR",
    .source = "Microsoft Learn troubleshooting article hybrid-move-fails",
    .commands = "remote-move config explain",
    .scenarios = "mrsproxy-wcf-quota" },

  /* ---- seen in public forum threads: Outlook Anywhere and Autodiscover ---- */
  { .id = "OA_ADMIN_NO_MAILBOX_RIGHTS", .severity = MC_FAIL, .area = "oa",
    .title = "Migration admin lacks rights on the source mailboxes",
    .why = "A cutover or staged endpoint signs in as an administrator who must open every "
           "mailbox. Unless that account is a Domain Admin, holds FullAccess on every mailbox "
           "or has Receive As on the mailbox databases, the logon to the test mailbox fails "
           "and the endpoint cannot be verified.",
    .fix = (const char *const[]){
      "Grant FullAccess: Get-Mailbox -ResultSize Unlimited | Add-MailboxPermission -User "
      "{user} -AccessRights FullAccess -InheritanceType All",
      "Or Receive As on the databases: Get-MailboxDatabase | Add-ADPermission -User "
      "{user} -ExtendedRights Receive-As",
      "Staged migrations also need WriteProperty on targetAddress; then re-test with "
      "Test-MigrationServerAvailability -ExchangeOutlookAnywhere ... -MailboxPermission "
      "FullAccess",
      NULL },
    .check = NULL,
    .source = "KB 2389390; Microsoft Learn \"Assign permissions for migration\"",
    .commands = "config explain" },

  { .id = "OA_CERT_PRINCIPAL_MISMATCH", .severity = MC_FAIL, .area = "oa",
    .title = "Outlook Anywhere certificate principal name (msstd:) does not match",
    .why = "Autodiscover publishes a CertPrincipalName (msstd:<name>) for Outlook Anywhere "
           "that differs from the name on the certificate. Clients that check it, the Remote "
           "Connectivity Analyzer among them, report 'Mutual Authentication could not be "
           "established' and refuse the RPC proxy.",
    .fix = (const char *const[]){
      "Compare: Get-OutlookProvider EXPR | fl CertPrincipalName and Get-ExchangeCertificate | "
      "fl Subject,CertificateDomains",
      "Set it to the certificate's name: Set-OutlookProvider EXPR -CertPrincipalName "
      "\"msstd:{host}\"",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "Microsoft Learn troubleshooting article "
              "mutual-authentication-could-not-be-established-error-if-testing-outlook-anywhere",
    .commands = "config explain" },

  { .id = "AUTODISCOVER_WRONG_MRS_HOST", .severity = MC_FAIL, .area = "autodiscover",
    .title = "Autodiscover points the endpoint at a host that is not the MRSProxy name",
    .why = "For an endpoint created through Autodiscover, Exchange Online takes the host from "
           "the Autodiscover answer (the Outlook Anywhere external host name, in the code "
           "studied) and probes MRSProxy there. If EWS is published under another name, the "
           "test says 'No MRSProxy was found running at <host>' although mrsproxy.svc works.",
    .fix = (const char *const[]){
      "Compare: Get-OutlookAnywhere | fl Server,ExternalHostname and "
      "Get-WebServicesVirtualDirectory | fl Server,ExternalUrl",
      "Create the endpoint with the EWS host: New-MigrationEndpoint -ExchangeRemoteMove -Name "
      "\"Hybrid Migration Endpoint - EWS (Default Web Site)\" -RemoteServer {host} "
      "-Credentials (Get-Credential {user})",
      "Or align the names so the Outlook Anywhere host also publishes /EWS/mrsproxy.svc",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "Microsoft Q&A question 229949; Microsoft Learn: "
              "Test-MigrationServerAvailability (-Autodiscover)",
    .commands = "remote-move config explain",
    .scenarios = "autodiscover-wrong-mrs-host" },

  /* ---- seen in public forum threads: IMAP ---- */
  { .id = "IMAP_TLS_TOO_OLD", .severity = MC_FAIL, .area = "imap",
    .title = "Source IMAP server supports only TLS 1.0 (Exchange 2010)",
    .why = "The IMAP service of Exchange 2010 negotiates only TLS 1.0 while Exchange Online "
           "requires TLS 1.2, so the connection fails with 'TLS negotiation failed ... do not "
           "possess a common algorithm'. This cannot be fixed on the IMAP side.",
    .fix = (const char *const[]){
      "Migrate another way: cutover (Outlook Anywhere), hybrid remote move (MRSProxy) or PST "
      "import",
      "If the source is another IMAP server, enable TLS 1.2 on it (see TLS_PROTOCOL_TOO_OLD)",
      NULL },
    .check = "migcheck tls {host}:993",
    .source = "Microsoft Learn troubleshooting article mailbox-migration-fails-using-imap; "
              "RFC 8996",
    .commands = "config explain" },

  { .id = "IMAP_CERT_BINDING_BROKEN", .severity = MC_FAIL, .area = "imap",
    .title = "IMAP login broken after a certificate change",
    .why = "After a renewed certificate was bound to IMAP and POP, logins fail with 'NO LOGIN "
           "failed' although the credentials are right. The IMAP service is left with a "
           "certificate or binding it cannot use for secure login, so every migration login "
           "is refused.",
    .fix = (const char *const[]){
      "Check: Get-ImapSettings | fl X509CertificateName; Get-ExchangeCertificate | fl "
      "Thumbprint,Subject,CertificateDomains,NotAfter,Services",
      "Bind the current certificate: Enable-ExchangeCertificate -Server {server} -Thumbprint "
      "<thumbprint> -Services IMAP; Set-ImapSettings -X509CertificateName {host}",
      "Restart-Service MSExchangeIMAP4,MSExchangeIMAP4BE, then test with "
      "Test-ImapConnectivity",
      NULL },
    .check = "migcheck tls {host}:993",
    .source = "imapsync/imapsync issue 136; KB 10062 (Troubleshoot issues with IMAP mailbox "
              "migration)",
    .commands = "config explain" },

  /* ---- seen in public forum threads: configuration ---- */
  { .id = "CFG_EWS_EXTERNAL_URL_MISMATCH", .severity = MC_FAIL, .area = "config",
    .title = "EWS ExternalUrl does not match the published migration name",
    .why = "The endpoint uses one host name but EWS ExternalUrl on the servers names another. "
           "Requests are then rejected between front end and back end (HttpProxy shows "
           "ProtocolError, (400) Bad Request) and Autodiscover sends clients to the other "
           "name.",
    .fix = (const char *const[]){
      "Use the published FQDN on each server: Set-WebServicesVirtualDirectory -Identity "
      "\"{vdir}\" -ExternalUrl https://{host}/EWS/Exchange.asmx",
      "Preferably align InternalUrl too (-InternalUrl "
      "https://{host}/EWS/Exchange.asmx, with split DNS)",
      "Use the same name as RemoteServer in the migration endpoint",
      NULL },
    .check = "migcheck config ews-vdir.txt",
    .source = "SammyKrosoft/Hybrid-Config-Wiz-Checks (GitHub); Microsoft Learn \"Enable the "
              "MRS Proxy endpoint for remote moves\"",
    .commands = "config explain" },

  /* ---- seen in public forum threads: process and pasted errors ---- */
  { .id = "HYBRID_AGENT_APP_DELETED", .severity = MC_FAIL, .area = "process",
    .title = "Hybrid Agent application is soft-deleted in Entra ID",
    .why = "Reinstalling the Hybrid Agent fails because the App Proxy application it needs "
           "still exists in a soft-deleted state; the wizard's Graph call returns Invalid_App "
           "'is soft-deleted'. The agent cannot register, so migrations have no path.",
    .fix = (const char *const[]){
      "Look for Invalid_App and 'soft-deleted' in the hybrid wizard log",
      "Have the stale application restored and then removed (Microsoft support did this in "
      "the reported case), then run the Hybrid Configuration Wizard again",
      NULL },
    .check = "migcheck explain \"Invalid_App\"",
    .source = "Microsoft Q&A question 2138499",
    .commands = "config explain" },

  { .id = "HYBRID_OUTBOUND_PROXY", .severity = MC_FAIL, .area = "process",
    .title = "Outbound web proxy blocks the hybrid server's calls to Microsoft 365",
    .why = "The hybrid wizard must reach Microsoft 365 from the Exchange server, but Exchange "
           "ignores the browser and WinHTTP proxy settings for these calls. Behind a proxy "
           "that blocks direct access or wants authentication they fail ('underlying "
           "connection was closed', 'Could not create SSL/TLS secure channel', '(407) Proxy "
           "Authentication Required').",
    .fix = (const char *const[]){
      "Tell Exchange which proxy to use: Set-ExchangeServer -Identity {server} -InternetWebProxy "
      "http://<proxy>:8080",
      "Let the Exchange servers through the proxy without authentication for the Microsoft "
      "365 endpoints",
      "Run the hybrid wizard again",
      NULL },
    .check = "migcheck explain \"(407) Proxy Authentication Required\"",
    .source = "KB 3068838; KB 3067292",
    .commands = "config explain" },

  /* WARN: the connection problem is not new; skipping verification only hides it until
     the batch runs. */
  { .id = "MIGRATION_ENDPOINT_UNVERIFIED", .severity = MC_WARN, .area = "process",
    .title = "Endpoint was created with -SkipVerification",
    .why = "New-MigrationEndpoint -SkipVerification stores the endpoint without testing it. "
           "Whatever stopped the test is still there and comes back as failed batches, so "
           "skipping only postpones the error.",
    .fix = (const char *const[]){
      "Test it now: Test-MigrationServerAvailability -Endpoint \"Hybrid Migration Endpoint - "
      "EWS (Default Web Site)\"",
      "Fix what the test reports, then recreate the endpoint without -SkipVerification",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Q&A questions 1195639, 1660225",
    .commands = "config explain" },

  /* WARN: the on-premises side is fine; only the admin center path fails. */
  { .id = "MIGRATION_EAC_ENDPOINT_BUG", .severity = MC_WARN, .area = "process",
    .title = "Admin center fails to create the endpoint although the tests pass",
    .why = "Creating the endpoint in the Exchange admin center fails with 'We weren't able to "
           "connect to the remote server' while Test-MigrationServerAvailability and the "
           "Remote Connectivity Analyzer both pass. Microsoft support confirmed it as an "
           "admin-center problem, not an on-premises one.",
    .fix = (const char *const[]){
      "Create the endpoint in Exchange Online PowerShell: New-MigrationEndpoint "
      "-ExchangeOutlookAnywhere -Name Cutover -ExchangeServer {server_fqdn} "
      "-RpcProxyServer {host} -Credentials (Get-Credential {user}) "
      "-EmailAddress {email} -Authentication Basic",
      "Then choose that endpoint when creating the batch in the admin center",
      NULL },
    .check = NULL,
    .source = "Microsoft Q&A question 1186736",
    .commands = "config explain" },

  /* WARN: the move completes, only slowly. */
  { .id = "MIGRATION_SLOW_NETWORK", .severity = MC_WARN, .area = "process",
    .title = "Moves are slow because of network latency",
    .why = "Large moves crawl and their statistics show most of the time on the source side "
           "(SourceSideDuration above roughly 60-80%). Latency between Exchange Online and the "
           "MRSProxy server makes every export round trip slow; the move finishes, but late.",
    .fix = (const char *const[]){
      "Confirm: Get-MoveRequestStatistics -Identity {mailbox} -IncludeReport | fl "
      "SourceSideDuration,DestinationSideDuration",
      "On the MRSProxy servers (Exchange 2013 SP1+) set ExportBufferSizeOverrideKB (7500 or "
      "less) in MSExchangeMailboxReplication.exe.config with a matching DataImportTimeout, "
      "then Restart-Service MSExchangeMailboxReplication",
      "Shorten the path for migration traffic (no inspection devices or long detours)",
      NULL },
    .check = NULL,
    .source = "KB 3184611",
    .commands = "config explain" },

  { .id = "MIGRATION_FORCE_PASSWORD", .severity = MC_FAIL, .area = "process",
    .title = "Staged migration forces a password change on federated users",
    .why = "For users federated through AD FS, Exchange Online cannot force a password change, "
           "so provisioning fails ('This action is currently blocked for the API') and the "
           "mailboxes are reported as containing errors.",
    .fix = (const char *const[]){
      "In the staged migration CSV set ForceChangePassword to False for federated users",
      "Submit the batch again with the corrected CSV",
      NULL },
    .check = "migcheck explain \"This action is currently blocked for the API\"",
    .source = "KB 2845956",
    .commands = "config explain" },

  { .id = "MOVE_REQUEST_ORPHANED", .severity = MC_FAIL, .area = "process",
    .title = "An orphaned move request blocks the new move",
    .why = "The user still has a move request or migration user left from an earlier "
           "attempt, in Exchange Online or on-premises (msExchMailboxMove* attributes). New "
           "moves fail with UserAlreadyBeingMigratedException or 'is already being moved'.",
    .fix = (const char *const[]){
      "In Exchange Online: Get-MoveRequest -Identity {mailbox} | Remove-MoveRequest; "
      "Get-MigrationUser -Identity {mailbox} | Remove-MigrationUser",
      "On-premises: Get-MoveRequest -Identity {mailbox} | Remove-MoveRequest",
      "If nothing is listed, clear the leftover msExchMailboxMove* attributes of the "
      "on-premises user (see them with Get-ADUser user -Properties msExchMailboxMove* | fl "
      "msExchMailboxMove*), let directory sync run, and retry",
      NULL },
    .check = "migcheck explain \"UserAlreadyBeingMigratedException\"",
    .source = "KB 4502865",
    .commands = "config explain" },

  { .id = "MOVE_REQUEST_UNQUOTED_PARAMS", .severity = MC_FAIL, .area = "process",
    .title = "Move request host and domain parameters not quoted",
    .why = "An offboarding New-MoveRequest times out against mrsproxy.svc ('The operation has "
           "timed out', RemoteTransientException) when the host and domain names are passed "
           "without single quotes; the same request with quoted values works.",
    .fix = (const char *const[]){
      "Remove the failed request: Remove-MoveRequest -Identity {mailbox}",
      "Submit it with quoted values: New-MoveRequest -Identity {mailbox} -Outbound "
      "-RemoteHostName '{host}' -RemoteTargetDatabase 'DB01' -TargetDeliveryDomain "
      "'{domain}' -RemoteCredential (Get-Credential {user})",
      NULL },
    .check = NULL,
    .source = "Microsoft Learn troubleshooting article "
              "operation-has-timed-out-error-when-moving-mailbox",
    .commands = "config explain" },

  { .id = "MOVE_CORRUPT_SEARCH_FOLDERS", .severity = MC_FAIL, .area = "process",
    .title = "Corrupt search folders break an offboarding move to Exchange 2010",
    .why = "The move restarts with RestartMoveCorruptSyncStateTransientException and "
           "mrsproxy.svc reports an internal error because the mailbox holds damaged search "
           "folders (finders). MRS keeps failing on the same data until they are rebuilt.",
    .fix = (const char *const[]){
      "Start Outlook once for that mailbox with: outlook.exe /cleanfinders",
      "If the error remains, start it once with: outlook.exe /cleanviews",
      "Resume the move: Resume-MoveRequest -Identity {mailbox}",
      NULL },
    .check = "migcheck explain \"RestartMoveCorruptSyncStateTransientException\"",
    .source = "KB 3063045",
    .commands = "config explain" },

  { .id = "OFFBOARD_EXCHANGE_GUID_MISSING", .severity = MC_FAIL, .area = "process",
    .title = "Offboarding: the on-premises remote mailbox lacks the ExchangeGuid",
    .why = "Moving a mailbox that was created in the cloud back on-premises fails with "
           "'Cannot find a recipient that has mailbox GUID' because the on-premises "
           "RemoteMailbox object does not carry the mailbox's ExchangeGuid.",
    .fix = (const char *const[]){
      "Read it in Exchange Online: Get-Mailbox {mailbox} | fl ExchangeGuid",
      "Stamp it on-premises: Set-RemoteMailbox -Identity {mailbox} -ExchangeGuid "
      "<ExchangeGuid>",
      "Run a directory sync (Start-ADSyncSyncCycle -PolicyType Delta) and retry the move",
      NULL },
    .check = "migcheck explain \"Cannot find a recipient that has mailbox GUID\"",
    .source = "KB 2956029",
    .commands = "config explain" },

  { .id = "OFFBOARD_TARGET_HAS_MAILBOX", .severity = MC_FAIL, .area = "process",
    .title = "Offboarding: the on-premises user still looks like a mailbox user",
    .why = "The offboarding move fails with 'Target user ... already has a primary mailbox' "
           "because homeMDB and homeMTA are still set on the on-premises user, so Exchange "
           "believes a local mailbox exists.",
    .fix = (const char *const[]){
      "Check: Get-ADUser user -Properties homeMDB,homeMTA | fl homeMDB,homeMTA",
      "Clear them: Set-ADUser user -Clear homeMDB,homeMTA",
      "Restart the migration user in Exchange Online: Start-MigrationUser -Identity "
      "{mailbox}",
      NULL },
    .check = "migcheck explain \"already has a primary mailbox\"",
    .source = "Microsoft Learn troubleshooting article offboarding-mailbox-fails-with-error",
    .commands = "config explain" },

  { .id = "PF_HIERARCHY_MAILBOX_SPLIT", .severity = MC_FAIL, .area = "process",
    .title = "Public folder and arbitration mailboxes on different servers",
    .why = "A public folder migration endpoint fails with 'MAPI provider is not supported for "
           "mailbox with version ...' when the primary hierarchy public folder mailbox and the "
           "SystemMailbox arbitration mailbox sit on databases active on different servers.",
    .fix = (const char *const[]){
      "Find them: Get-Mailbox -PublicFolder | fl Name,Database,IsRootPublicFolderMailbox and "
      "Get-Mailbox -Arbitration | fl Name,Database",
      "Activate both databases on one server (Move-ActiveMailboxDatabase DB01 "
      "-ActivateOnServer {server}) or move one mailbox next to the other (New-MoveRequest)",
      "Create the endpoint again",
      NULL },
    .check = "migcheck explain \"MAPI provider is not supported for mailbox with version\"",
    .source = "KB 4052729",
    .commands = "config explain" },

  /* ---- from the published protocol documents ([MS-*], RFCs) ---- */
  { .id = "EWS_AUTH_CERT_MISSING", .severity = MC_FAIL, .area = "ews",
    .title = "Exchange Auth certificate missing (HTTP 500 'Missing signing certificate')",
    .why = "A request to mrsproxy.svc returns HTTP 500 mentioning 'Missing signing "
           "certificate': the certificate named in Get-AuthConfig is gone or expired, and EWS "
           "cannot handle authenticated requests.",
    .fix = (const char *const[]){
      "Check: Get-AuthConfig | fl CurrentCertificateThumbprint; Get-ExchangeCertificate "
      "-Thumbprint <thumbprint>",
      "If needed create one: New-ExchangeCertificate -KeySize 2048 -PrivateKeyExportable "
      "$true -SubjectName \"cn=Microsoft Exchange Server Auth Certificate\" -FriendlyName "
      "\"Microsoft Exchange Server Auth Certificate\" -DomainName @()",
      "Publish it: Set-AuthConfig -NewCertificateThumbprint <thumbprint> "
      "-NewCertificateEffectiveDate (Get-Date); Set-AuthConfig -PublishCertificate",
      "Restart-Service MSExchangeServiceHost; Restart-WebAppPool MSExchangeServicesAppPool",
      NULL },
    .check = "migcheck remote-move --server {target} --user '{user}'",
    .source = "Microsoft Learn: Test-MigrationServerAvailability (error catalogue)",
    .commands = "" },

  { .id = "OA_TEST_MAILBOX_HIDDEN", .severity = MC_FAIL, .area = "oa",
    .title = "Test mailbox is hidden from address lists",
    .why = "The endpoint test looks the e-mail address up through the address book (NSPI). A "
           "mailbox hidden from address lists is not found there, so verification fails even "
           "when connectivity is fine.",
    .fix = (const char *const[]){
      "Use a visible mailbox for -EmailAddress, or unhide it: Set-Mailbox -Identity "
      "{email} -HiddenFromAddressListsEnabled $false",
      "Run the endpoint test again",
      NULL },
    .check = NULL,
    .source = "Microsoft Learn: cutover migration to Microsoft 365; Microsoft Learn: "
              "Test-MigrationServerAvailability",
    .commands = "" },

  { .id = "OA_MAILBOX_RPCHTTP_BLOCKED", .severity = MC_FAIL, .area = "oa",
    .title = "RPC over HTTP is blocked for the mailbox",
    .why = "The mailbox has MAPIBlockOutlookRpcHttp set (or MAPI disabled), so the store "
           "refuses the Outlook Anywhere logon (ecRpcHttpDisallowed) that cutover and staged "
           "migrations depend on.",
    .fix = (const char *const[]){
      "Check: Get-CASMailbox -Identity {email} | fl MAPIEnabled,"
      "MAPIBlockOutlookRpcHttp",
      "Allow it: Set-CASMailbox -Identity {email} -MAPIBlockOutlookRpcHttp $false "
      "-MAPIEnabled $true",
      NULL },
    .check = NULL,
    .source = "Microsoft Remote Connectivity Analyzer documentation (RPC over HTTP "
              "connection not allowed); Microsoft Learn: Set-CASMailbox",
    .commands = "" },

  { .id = "OA_REVERSE_PROXY_BUFFERING", .severity = MC_FAIL, .area = "oa",
    .title = "Reverse proxy cannot pass RPC over HTTP (1 GB RPC_IN_DATA)",
    .why = "RPC over HTTP opens an RPC_IN_DATA request with a 1 GB Content-Length and streams "
           "it for minutes. Generic reverse proxies and WAFs (stock Apache, for one) try to "
           "buffer or reject it, so OWA works through them while Outlook Anywhere times out "
           "or gets 400, 411 or 413.",
    .fix = (const char *const[]){
      "Use a rule or module that tunnels RPC_IN_DATA and RPC_OUT_DATA (for example "
      "mod_proxy_msrpc), or a plain TCP/SSL-bridging forward for /rpc",
      "Turn off request buffering and body-size limits for /rpc/rpcproxy.dll",
      "As a test, forward 443 straight to an Exchange server and repeat the check",
      NULL },
    .check = "migcheck outlook-anywhere --exchange-server {server_fqdn} "
             "--rpc-proxy {target} --user '{user}'",
    .source = "[MS-RPCH] RPC over HTTP Protocol (streamed channels); TechNet archive \"RPC "
              "over HTTP Protocol Specifics\"",
    .commands = "outlook-anywhere" },

  { .id = "AUTODISCOVER_NO_OA_SETTINGS", .severity = MC_FAIL, .area = "autodiscover",
    .title = "Autodiscover returns no Outlook Anywhere external settings",
    .why = "The Autodiscover answer carries no external Outlook Anywhere host "
           "(ExternalMailboxServer / EXPR) or authentication method. The migration service "
           "needs those values for cutover and staged endpoints (and has used the same host "
           "for Autodiscover-based remote moves), so creation fails with "
           "MigrationAutodiscoverConfigurationFailure.",
    .fix = (const char *const[]){
      "Set-OutlookAnywhere -Identity \"{server}\\Rpc (Default Web Site)\" -ExternalHostname "
      "{host} -ExternalClientsRequireSsl $true -ExternalClientAuthenticationMethod "
      "Basic",
      "Run iisreset and test again",
      "Or create the endpoint with manual settings (-RemoteServer, or -ExchangeServer with "
      "-RpcProxyServer)",
      NULL },
    .check = "migcheck autodiscover --email {email}",
    .source = "[MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol (EXPR and EXCH "
              "sections); Microsoft Learn: Test-MigrationServerAvailability",
    .commands = "remote-move outlook-anywhere autodiscover",
    .scenarios = "autodiscover-no-oa-settings" },
};

const size_t mc_cause_table_len = sizeof mc_cause_table / sizeof mc_cause_table[0];
