-- Drives Neovim's built-in LSP client (0.7+), set up by the README's `init.lua` snippet, as a
-- user would: open a file (the snippet starts `fastapi-lint server`), wait for the findings,
-- apply the quick fix of FAPI101, then type a new blocking call and wait for the findings to
-- follow. Every step is written to the JSON file named by FASTAPI_LINT_NVIM_OUT, which the
-- test reads; an error is written there too. FASTAPI_LINT_FILE is the file to open.

local out = { steps = {} }
local TIMEOUT = 30000

local function write_out()
  local file = assert(io.open(os.getenv("FASTAPI_LINT_NVIM_OUT"), "w"))
  file:write(vim.fn.json_encode(out))
  file:close()
end

local function findings(buf)
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, { code = diagnostic.code, line = diagnostic.lnum + 1, message = diagnostic.message })
  end
  table.sort(found, function(a, b)
    if a.line == b.line then return a.code < b.code end
    return a.line < b.line
  end)
  return found
end

local function codes_of(buf)
  local codes = {}
  for _, finding in ipairs(findings(buf)) do
    table.insert(codes, finding.code .. "@" .. finding.line)
  end
  return table.concat(codes, ",")
end

-- Wait until the buffer's findings are `expected` ("FAPI101@5,FAPI202@8"); record them.
local function expect(buf, step, expected)
  local ok = vim.wait(TIMEOUT, function() return codes_of(buf) == expected end, 50)
  table.insert(out.steps, { step = step, ok = ok, findings = findings(buf) })
  if not ok then error(step .. ": expected " .. expected .. ", got " .. codes_of(buf)) end
end

-- The finding as the server sent it (Neovim 0.7 keeps only its code in user_data): the
-- context of a code action request, as `vim.lsp.buf.code_action()` sends it.
local function lsp_diagnostic(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return {
        range = {
          start = { line = d.lnum, character = d.col },
          ["end"] = { line = d.end_lnum, character = d.end_col },
        },
        severity = d.severity,
        message = d.message,
        source = d.source,
        code = d.code,
      }
    end
  end
  error("no " .. code .. " finding")
end

-- What `vim.lsp.buf.code_action()` does with the action a user picks.
local function apply_action(client, action)
  if not action.edit and action.data and client.supports_method("codeAction/resolve") then
    local resolved = client.request_sync("codeAction/resolve", action, TIMEOUT)
    action = resolved and resolved.result or action
  end
  if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding) end
  if action.command then client.request_sync("workspace/executeCommand", action.command, TIMEOUT) end
end

local function quick_fix(buf, client, code)
  local diagnostic = lsp_diagnostic(buf, code)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic }, only = { "quickfix" } },
  }
  local replies, failure = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, TIMEOUT)
  if failure then error("code actions: " .. tostring(failure)) end
  local titles, chosen = {}, nil
  for _, reply in pairs(replies or {}) do
    if reply.err then error("code actions: " .. vim.inspect(reply.err)) end
    for _, action in ipairs(reply.result or {}) do
      table.insert(titles, action.title)
      if action.isPreferred then chosen = action end
    end
  end
  table.insert(out.steps, { step = "code actions", titles = titles })
  if not chosen then error("no preferred quick fix for " .. code) end
  apply_action(client, chosen)
  return chosen.title
end

local function session()
  local path = os.getenv("FASTAPI_LINT_FILE")
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[buf].filetype
  local attached = vim.wait(TIMEOUT, function() return next(vim.lsp.buf_get_clients(buf)) ~= nil end, 50)
  if not attached then error("no language server attached to the buffer") end
  local client_id, client = next(vim.lsp.buf_get_clients(buf))
  out.client = client.name
  out.nvim = vim.version()
  expect(buf, "opened", "FAPI101@5,FAPI202@8")

  out.applied = quick_fix(buf, client, "FAPI101")
  out.after_fix = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  expect(buf, "fixed", "FAPI202@9")

  -- Type a new blocking endpoint at the end, as an edit (not a save).
  local last = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, last, last, false, { "", "", "async def again() -> None:", "    time.sleep(2)" })
  expect(buf, "edited", "FAPI202@9,FAPI101@14")
  out.modified = vim.bo[buf].modified
  vim.lsp.stop_client(client_id)
end

local ok, problem = pcall(session)
out.ok = ok
if not ok then out.error = tostring(problem) end
write_out()
vim.cmd("qall!")
