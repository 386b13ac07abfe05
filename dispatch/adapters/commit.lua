-- Guarded, atomic commit of a list of Redis commands.
-- ARGV[1] = JSON {"guards": [...], "ops": [[cmd, arg, ...], ...]}
-- Guards (all must hold, else nothing is written):
--   ["version", hash_key, expected]  the hash's `version` field equals expected ("0" = absent)
--   ["idem", key]                    the key is absent (else returns its value)
--   ["zmember", zset_key, member]    the member is still in the sorted set
-- Returns {"ok", result1, result2, ...} or {"conflict"|"exists"|"gone", detail}.
local spec = cjson.decode(ARGV[1])
for _, g in ipairs(spec.guards) do
  local kind = g[1]
  if kind == "version" then
    local v = redis.call("HGET", g[2], "version")
    if not v then v = "0" end
    if v ~= g[3] then return {"conflict", v} end
  elseif kind == "idem" then
    local existing = redis.call("GET", g[2])
    if existing then return {"exists", existing} end
  elseif kind == "zmember" then
    if not redis.call("ZSCORE", g[2], g[3]) then return {"gone", g[3]} end
  else
    return redis.error_reply("unknown guard " .. tostring(kind))
  end
end
local out = {"ok"}
for _, op in ipairs(spec.ops) do
  local r = redis.call(unpack(op))
  if type(r) == "table" then r = cjson.encode(r) end
  if r == false or r == nil then r = "" end
  out[#out + 1] = r
end
return out
