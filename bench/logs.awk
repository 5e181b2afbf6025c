# logs.awk - the aggregation `migcheck logs` does, in awk, for the bench:
# per endpoint, requests by server (from the path), status.substatus.win32,
# client and hour. Columns are mapped from each #Fields line.
#   mawk -f bench/logs.awk FILE...
/^#Fields:/ {
  delete col
  for(i = 2; i <= NF; i++) col[$i] = i - 1
  cd = col["date"]; ct = col["time"]; cp = col["cs-uri-stem"]; cc = col["c-ip"]
  cs = col["sc-status"]; cu = col["sc-substatus"]; cw = col["sc-win32-status"]
  next
}
/^#/ { next }
{
  sub(/\r$/, "")
  p = tolower($cp)
  if(index(p, "/ews/mrsproxy.svc") == 1) ep = "mrsproxy"
  else if(index(p, "/ews/") == 1) ep = "ews"
  else if(index(p, "/rpc/rpcproxy.dll") == 1) ep = "rpcproxy"
  else if(index(p, "/autodiscover/") == 1) ep = "autodiscover"
  else if(index(p, "/mapi/") == 1) ep = "mapi"
  else next
  n = split(FILENAME, parts, "/")
  server = n >= 3 ? parts[n - 2] : FILENAME
  req[ep]++
  by_server[ep SUBSEP server]++
  by_status[ep SUBSEP $cs "." $cu "." $cw]++
  by_client[ep SUBSEP $cc]++
  by_hour[ep SUBSEP $cd "T" substr($ct, 1, 2)]++
}
END {
  for(e in req) print e, req[e]
  for(k in by_status) ns++
  for(k in by_client) nc++
  for(k in by_hour) nh++
  for(k in by_server) nv++
  print "keys", ns, nc, nh, nv
}
