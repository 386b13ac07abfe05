-- One read of the synthesis index for a report (see synthesis_store.py).
-- ARGV[1] = JSON {"caller": [zset, min, max, newest, dv_zset|"", dv_min, [window_min, ...]]
--                            | absent,
--                 "geo": [[geo_key, lon, lat, radius_m, count], ...],
--                 "notes": [geo_key, hash_key, lon, lat, radius_m, count] | absent,
--                 "watch": [hash_key, plate, ...] | absent,
--                 "missing": missing-person register generation key | absent}
-- Returns one JSON string: {"calls": [...], "counts": [n per window], "dv": [...],
--   "geo": [[member, dist, member, dist, ...], ...], "notes": [[id, dist, raw], ...],
--   "watch": [raw|false, ...], "missing": generation|false}. One reply instead of a dozen keeps the client's parsing
-- (the cost that dominates at this size) to a single JSON decode.
local spec = cjson.decode(ARGV[1])
local out = {geo = {}, notes = {}}
local c = spec.caller
if c then
  out.calls = redis.call("ZREVRANGEBYSCORE", c[1], c[3], c[2], "LIMIT", 0, c[4])
  out.counts = {}
  for i, since in ipairs(c[7]) do out.counts[i] = redis.call("ZCOUNT", c[1], since, c[3]) end
  if c[5] ~= "" then
    out.dv = redis.call("ZREVRANGEBYSCORE", c[5], c[3], c[6], "LIMIT", 0, c[4])
  end
end
for i, g in ipairs(spec.geo) do
  local flat = {}
  local hits = redis.call("GEOSEARCH", g[1], "FROMLONLAT", g[2], g[3], "BYRADIUS", g[4], "m",
                          "ASC", "COUNT", g[5], "WITHDIST")
  for _, h in ipairs(hits) do
    flat[#flat + 1] = h[1]
    flat[#flat + 1] = h[2]
  end
  out.geo[i] = flat
end
local n = spec.notes
if n then
  local hits = redis.call("GEOSEARCH", n[1], "FROMLONLAT", n[3], n[4], "BYRADIUS", n[5], "m",
                          "ASC", "COUNT", n[6], "WITHDIST")
  for _, h in ipairs(hits) do
    local raw = redis.call("HGET", n[2], h[1])
    if raw then out.notes[#out.notes + 1] = {h[1], h[2], raw} end
  end
end
local w = spec.watch
if w then
  out.watch = redis.call("HMGET", w[1], unpack(w, 2))
end
if spec.missing then
  out.missing = redis.call("GET", spec.missing)
end
return cjson.encode(out)
