-- Headless Neovim (0.7+): loads the README's configuration (CD_CONFIG: the lua block of its Neovim
-- section, as a user pastes it into init.lua), lets it attach `conndoctor lsp --stdio` to the Go
-- file given on the command line, and writes what the editor got (diagnostics, code actions for
-- the first one, the buffer after the preferred fix) to CD_OUT as JSON, then quits.
vim.cmd('filetype on')
local result = { diagnostics = {}, actions = {}, errors = {} }
dofile(os.getenv('CD_CONFIG'))

local function finish()
  local f = io.open(os.getenv('CD_OUT'), 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  -- The client counts as attached once it has initialized.
  local id
  vim.wait(30000, function()
    for cid, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.name == 'conndoctor' then
        id = cid
      end
    end
    return id ~= nil
  end, 50)
  if not id then
    table.insert(result.errors, 'the configuration attached no conndoctor client to the Go buffer')
    return finish()
  end
  local got = vim.wait(60000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  if not got then
    table.insert(result.errors, 'no diagnostics within 60 s')
    return finish()
  end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      code = d.code or lsp.code,
      lnum = d.lnum,
      col = d.col,
      severity = d.severity,
      source = d.source or lsp.source,
      message = d.message,
    })
  end
  -- Code actions on the line of the first finding, with its LSP diagnostics as context.
  local first = vim.diagnostic.get(bufnr)[1]
  local line_diags = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = first.lnum, character = first.col }, ['end'] = { line = first.lnum, character = first.col } },
    context = { diagnostics = line_diags },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 30000) or {}
  local preferred
  for _, r in pairs(responses) do
    if r.err then
      table.insert(result.errors, vim.inspect(r.err))
    end
    for _, a in ipairs(r.result or {}) do
      table.insert(result.actions, { title = a.title, kind = a.kind, preferred = a.isPreferred == true, hasEdit = a.edit ~= nil })
      if a.isPreferred and a.edit and not preferred then
        preferred = a
      end
    end
  end
  if preferred then
    vim.lsp.util.apply_workspace_edit(preferred.edit, 'utf-16')
    result.fixed = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
    -- The server follows the edit: the fixed finding goes away.
    result.after = vim.wait(30000, function()
      for _, d in ipairs(vim.diagnostic.get(bufnr)) do
        local lsp = d.user_data and d.user_data.lsp or {}
        if (d.code or lsp.code) == first.code and d.lnum == first.lnum then
          return false
        end
      end
      return true
    end, 50)
  end
  vim.lsp.stop_client(id)
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local ok, err = pcall(run)
    if not ok then
      table.insert(result.errors, tostring(err))
      finish()
    end
  end,
})
