/**
 * The store's Lua scripts. Each runs atomically in Redis, so compare-and-set, index upkeep and
 * expiry happen in one step whatever other clients do. Conventions:
 * - ARGV[1] is the key base (`{prefix}`); KEYS[1] is the record key where there is one, so a
 *   cluster client routes the call to the right node.
 * - A record is a hash: one field per top-level key, each value JSON. Scripts decode only
 *   `status`, `owner`, `kind`, `seq` and `expiresAt`, and never re-encode a value (Redis' cjson
 *   would turn `[]` into `{}` and round numbers to 14 digits).
 * - Fields to write come packed in one argument (names and values joined by NUL, which JSON text
 *   never holds); a record goes back as one JSON object, built from the stored JSON values.
 */

const HEADER = `
local rcall = redis.call
local base = ARGV[1]
local TERMINAL = { completed = true, failed = true, cancelled = true }
local function esc(s)
  return (string.gsub(string.gsub(s, '%%', '%%25'), ':', '%%3A'))
end
-- The index group of a status: one for every unfinished status ('active'), one per terminal status.
local function group(status)
  if TERMINAL[status] then return status end
  return 'active'
end
-- The four indexes a record of this status, owner and kind is in (owner and kind escaped).
local function indexKeys(status, eowner, ekind)
  local s = base .. ':i:' .. group(status)
  return { s, s .. ':o:' .. eowner, s .. ':k:' .. ekind, s .. ':ok:' .. eowner .. ':' .. ekind }
end
-- Splits a packed argument (names and values joined by NUL) into a list.
local function split(packed)
  local out, n, pos, len = {}, 0, 1, #packed
  while true do
    local stop = string.find(packed, '\\0', pos, true)
    n = n + 1
    if not stop then
      out[n] = string.sub(packed, pos, len)
      return out
    end
    out[n] = string.sub(packed, pos, stop - 1)
    pos = stop + 1
  end
end
-- A record as one JSON object, from HGETALL's flat list (values are JSON text already): one
-- concatenation at the end, so no string is made per field.
local function recordJson(fields)
  if #fields == 0 then return '{}' end
  local parts, n = {}, 0
  for i = 1, #fields, 2 do
    local name = fields[i]
    if string.find(name, '^[%w_$]+$') then
      parts[n + 1] = i == 1 and '{"' or ',"'
      parts[n + 2] = name
      parts[n + 3] = '":'
    else
      parts[n + 1] = i == 1 and '{' or ','
      parts[n + 2] = cjson.encode(name)
      parts[n + 3] = ':'
    end
    parts[n + 4] = fields[i + 1]
    n = n + 4
  end
  parts[n + 1] = '}'
  return table.concat(parts)
end
-- One item of a batch: its result, or its error as an error reply (the others still run).
local function each(fn, ...)
  local ok, result = pcall(fn, ...)
  if ok then return result end
  return redis.error_reply(type(result) == 'table' and result.err or tostring(result))
end
local function expMember(status, seq, eowner, ekind, id)
  return status .. ':' .. seq .. ':' .. eowner .. ':' .. ekind .. ':' .. id
end
-- A terminal record with an expiresAt: Redis deletes it then; the exp index lets sweep clean up.
local function expireTerminal(rkey, id, status, seq, eowner, ekind)
  local raw = rcall('HGET', rkey, 'expiresAt')
  local at = raw and tonumber(raw)
  if at then
    rcall('ZADD', base .. ':exp', at, expMember(status, seq, eowner, ekind, id))
    rcall('PEXPIREAT', rkey, string.format('%.0f', math.floor(at)))
  end
end
`;

/**
 * Creates a batch of records (see `WriteBatch`), each as if alone, in order.
 * KEYS[1] seq counter, KEYS[1 + i] record i.
 * ARGV: base, then per record 8 (CREATE_ARGS): id, seq (JSON), status, owner, kind, owner (JSON),
 * the fields (packed), the owner's cap of unfinished tasks ('' for none).
 * Returns per record 1 when created, 2 when this very record was created already (a resend after
 * a lost reply: same seq and owner), 0 when another record has the id, -1 - n when the owner's n
 * unfinished tasks reach the cap (nothing written), or an error reply.
 */
export const CREATE_ARGS = 8;
export const CREATE = `${HEADER}
local function create(rkey, id, seq, status, owner, kind, ownerJson, packed, cap)
  if rcall('EXISTS', rkey) == 1 then
    if rcall('HGET', rkey, 'seq') == seq and rcall('HGET', rkey, 'owner') == ownerJson then return 2 end
    return 0
  end
  local eowner, ekind = esc(owner), esc(kind)
  local keys = indexKeys(status, eowner, ekind)
  if cap ~= '' and not TERMINAL[status] then
    local active = rcall('ZCARD', keys[2])
    if active >= tonumber(cap) then return -1 - active end
  end
  rcall('HSET', rkey, unpack(split(packed)))
  for _, k in ipairs(keys) do rcall('ZADD', k, seq, id) end
  if tonumber(seq) > tonumber(rcall('GET', KEYS[1]) or '0') then rcall('SET', KEYS[1], seq) end
  if TERMINAL[status] then expireTerminal(rkey, id, status, seq, eowner, ekind) end
  return 1
end
local out = {}
for i = 1, #KEYS - 1 do
  local a = 1 + (i - 1) * ${CREATE_ARGS}
  out[i] = each(create, KEYS[1 + i], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8])
end
return out
`;

/**
 * Updates a batch of records (see `WriteBatch`), each as if alone, in order.
 * KEYS[i] record i.
 * ARGV: base, then per record 8 (UPDATE_ARGS): id, expected statuses (comma-separated; '-' for
 * any), expected attempt (JSON, '' for any), new status or '', how many fields to delete, their
 * names (packed), how many fields to set, the fields (packed).
 * Returns per record nil when missing, an error reply, else {1 | 0, the record after (1) or as it
 * is (0), as JSON}.
 */
export const UPDATE_ARGS = 8;
export const UPDATE = `${HEADER}
local function update(rkey, id, expect, attempt, nextStatus, unsetCount, unsetPacked, setCount, setPacked)
  -- What the compare and the index moves need, in one read (owner, kind and seq never change).
  local placed = rcall('HMGET', rkey, 'status', 'attempt', 'owner', 'kind', 'seq')
  local raw = placed[1]
  if not raw then return false end
  local current = cjson.decode(raw)
  local allowed = not TERMINAL[current]
  if allowed and expect ~= '-' then
    allowed = false
    for s in string.gmatch(expect, '[^,]+') do
      if s == current then allowed = true; break end
    end
  end
  if allowed and attempt ~= '' and placed[2] ~= attempt then allowed = false end
  if not allowed then return { 0, recordJson(rcall('HGETALL', rkey)) } end
  if tonumber(unsetCount) > 0 then rcall('HDEL', rkey, unpack(split(unsetPacked))) end
  if tonumber(setCount) > 0 then rcall('HSET', rkey, unpack(split(setPacked))) end
  -- Unfinished statuses share their indexes: only an end moves the record.
  if nextStatus ~= '' and group(nextStatus) ~= group(current) then
    local eowner, ekind, seq = esc(cjson.decode(placed[3])), esc(cjson.decode(placed[4])), placed[5]
    local before, after = indexKeys(current, eowner, ekind), indexKeys(nextStatus, eowner, ekind)
    for j = 1, 4 do
      rcall('ZREM', before[j], id)
      rcall('ZADD', after[j], seq, id)
    end
    if TERMINAL[nextStatus] then expireTerminal(rkey, id, nextStatus, seq, eowner, ekind) end
  end
  return { 1, recordJson(rcall('HGETALL', rkey)) }
end
local out = {}
for i = 1, #KEYS do
  local a = 1 + (i - 1) * ${UPDATE_ARGS}
  out[i] = each(update, KEYS[i], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8])
end
return out
`;

/** KEYS[1] record. ARGV: base, id. Returns 1 when removed, 0 when there was nothing. */
export const DELETE = `${HEADER}
local rkey = KEYS[1]
local raw = rcall('HGET', rkey, 'status')
if not raw then return 0 end
local status = cjson.decode(raw)
local eowner = esc(cjson.decode(rcall('HGET', rkey, 'owner')))
local ekind = esc(cjson.decode(rcall('HGET', rkey, 'kind')))
local seq = rcall('HGET', rkey, 'seq')
for _, k in ipairs(indexKeys(status, eowner, ekind)) do rcall('ZREM', k, ARGV[2]) end
if TERMINAL[status] then rcall('ZREM', base .. ':exp', expMember(status, seq, eowner, ekind, ARGV[2])) end
rcall('DEL', rkey)
return 1
`;

/**
 * ARGV: base, now, batch size. Removes up to a batch of terminal records whose expiresAt <= now
 * (Redis may have deleted the record already) and their index entries; a record created later
 * under the same id (another seq) is left alone. Returns how many it handled.
 */
export const SWEEP = `${HEADER}
local expKey = base .. ':exp'
local members = rcall('ZRANGEBYSCORE', expKey, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(members) do
  local status, seq, eowner, ekind, id = string.match(member, '^([^:]*):([^:]*):([^:]*):([^:]*):(.*)$')
  if id then
    for _, k in ipairs(indexKeys(status, eowner, ekind)) do
      if rcall('ZSCORE', k, id) == seq then rcall('ZREM', k, id) end
    end
    local rkey = base .. ':t:' .. id
    if rcall('HGET', rkey, 'seq') == seq then rcall('DEL', rkey) end
  end
  rcall('ZREM', expKey, member)
end
return #members
`;

/**
 * ARGV: base, scope ('' = every owner, else 'o' and ARGV[3] the owner), kind flag ('' or 'k' and
 * ARGV[5] the kind), after seq, limit, then the statuses. Merges the indexes of the statuses'
 * groups by seq, so a page costs O(groups × (log n + page)); unfinished statuses share one group,
 * so asking for some of them but not all skips the others' records on the way. Entries whose
 * record Redis expired are removed from the index on the way. Returns {more (0|1), each record as
 * JSON…}.
 */
export const LIST = `${HEADER}
local eowner = ARGV[2] == 'o' and esc(ARGV[3]) or nil
local ekind = ARGV[4] == 'k' and esc(ARGV[5]) or nil
local after = ARGV[6]
local limit = tonumber(ARGV[7])
local chunk = limit + 1
local heads = {}
local wanted, groups, actives = {}, {}, 0
for i = 8, #ARGV do
  local status = ARGV[i]
  if not wanted[status] then
    wanted[status] = true
    if not TERMINAL[status] then actives = actives + 1 end
    local g = group(status)
    if not groups[g] then
      groups[g] = true
      local keys = indexKeys(status, eowner or '', ekind or '')
      local key = keys[1]
      if eowner and ekind then key = keys[4] elseif eowner then key = keys[2] elseif ekind then key = keys[3] end
      heads[#heads + 1] = { key = key, items = {}, pos = 1, from = '(' .. after, done = false, filter = g == 'active' }
    end
  end
end
-- Every unfinished status asked for: the active group needs no filter.
if actives == 3 then
  for _, h in ipairs(heads) do h.filter = false end
end
local function statusOf(fields)
  for i = 1, #fields, 2 do
    if fields[i] == 'status' then return cjson.decode(fields[i + 1]) end
  end
  return nil
end
local function peek(h)
  if h.pos > #h.items then
    if h.done then return nil end
    h.items = rcall('ZRANGEBYSCORE', h.key, h.from, '+inf', 'WITHSCORES', 'LIMIT', 0, chunk)
    h.pos = 1
    if #h.items < chunk * 2 then h.done = true end
    if #h.items == 0 then return nil end
    h.from = '(' .. h.items[#h.items]
  end
  return h.items[h.pos], tonumber(h.items[h.pos + 1])
end
local out = { 0 }
local found = 0
while true do
  local best, bestId, bestScore = nil, nil, nil
  for _, h in ipairs(heads) do
    local id, score = peek(h)
    if id and (not bestScore or score < bestScore) then best, bestId, bestScore = h, id, score end
  end
  if not best then break end
  best.pos = best.pos + 2
  local fields = rcall('HGETALL', base .. ':t:' .. bestId)
  if #fields == 0 then
    rcall('ZREM', best.key, bestId)
  elseif best.filter and not wanted[statusOf(fields)] then
    -- Another unfinished status than those asked for.
  elseif found == limit then
    out[1] = 1
    break
  else
    found = found + 1
    out[#out + 1] = recordJson(fields)
  end
end
return out
`;

/** ARGV: base, owner. Tasks of the owner not yet terminal: one index holds them all. */
export const COUNT_ACTIVE = `
return redis.call('ZCARD', ARGV[1] .. ':i:active:o:' .. string.gsub(string.gsub(ARGV[2], '%%', '%%25'), ':', '%%3A'))
`;
