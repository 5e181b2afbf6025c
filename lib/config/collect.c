/*
 * collect.c - the commands an admin runs on an Exchange server to produce
 * the files `migcheck config` reads (printed by `migcheck config --collect`).
 * Data only. $FormatEnumerationLimit=-1 keeps lists such as
 * ExternalAuthenticationMethods whole; -Width keeps long values on one line
 * (config reads wrapped ones too).
 */
#include "config/config.h"

const char mc_config_collect_script[] =
  "# Run in the Exchange Management Shell on one Exchange server, then copy the\n"
  "# files to where migcheck runs:  migcheck config *.txt *.reg\n"
  "$FormatEnumerationLimit = -1\n"
  "\n"
  "# Hybrid remote moves (Microsoft's hybrid troubleshooting, first step): MRSProxy, ExternalUrl and EWS\n"
  "# authentication on every server.\n"
  "Get-WebServicesVirtualDirectory | Format-List Identity,Server,"
  "MRSProxyEnabled,ExternalUrl,InternalUrl,ExternalAuthenticationMethods,"
  "InternalAuthenticationMethods,BasicAuthentication,WindowsAuthentication,"
  "WSSecurityAuthentication,OAuthAuthentication,ExtendedProtectionTokenChecking |\n"
  "  Out-File -Encoding utf8 -Width 4096 ews-vdir.txt\n"
  "\n"
  "# Cutover and staged migrations (KB 2903050): Outlook Anywhere.\n"
  "Get-OutlookAnywhere | Format-List Identity,Server,ExternalHostname,"
  "InternalHostname,ExternalClientAuthenticationMethod,InternalClientAuthenticationMethod,"
  "ClientAuthenticationMethod,IISAuthenticationMethods,SSLOffloading,"
  "ExternalClientsRequireSsl |\n"
  "  Out-File -Encoding utf8 -Width 4096 outlookanywhere.txt\n"
  "Get-MapiVirtualDirectory | Format-List Identity,Server,ExternalUrl,"
  "InternalUrl,IISAuthenticationMethods |\n"
  "  Out-File -Encoding utf8 -Width 4096 mapi-vdir.txt\n"
  "\n"
  "# Server names (short and FQDN) for the RPC proxy's ValidPorts.\n"
  "Get-ExchangeServer | Format-List Name,Fqdn,ServerRole,AdminDisplayVersion,Site |\n"
  "  Out-File -Encoding utf8 -Width 4096 exchange-servers.txt\n"
  "\n"
  "# RPC proxy ValidPorts (KB 2903050), on each server that runs the RPC proxy\n"
  "# (cmd.exe or PowerShell):\n"
  "reg export HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy rpcproxy.reg /y\n"
  "\n"
  "# In Exchange Online PowerShell, the endpoint test itself:\n"
  "# Test-MigrationServerAvailability -ExchangeOutlookAnywhere -Autodiscover\n"
  "#   -EmailAddress admin@contoso.com -Credentials (Get-Credential) |\n"
  "#   Format-List | Out-File -Encoding utf8 -Width 4096 tmsa.txt\n"
  "# (for hybrid moves: -ExchangeRemoteMove -RemoteServer mail.contoso.com)\n"
  "\n"
  "# In Exchange Online PowerShell, the endpoints as the cloud holds them, for\n"
  "# 'migcheck remote-move|outlook-anywhere|imap --endpoint-file endpoints.txt',\n"
  "# 'migcheck batch endpoints.txt' (every endpoint) and 'migcheck config':\n"
  "# Get-MigrationEndpoint | Format-List Identity,EndpointType,RemoteServer,\n"
  "#   ExchangeServer,RpcProxyServer,Authentication,Port,Security,Username,\n"
  "#   MaxConcurrentMigrations | Out-File -Encoding utf8 -Width 4096 endpoints.txt\n";
