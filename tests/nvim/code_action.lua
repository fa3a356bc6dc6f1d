-- Neovim's built-in LSP client against the kubeharden language server:
-- open a manifest, wait for diagnostics, apply the quick fix of the
-- `privileged` finding, and check the buffer's text. Neovim 0.7 (Debian):
-- vim.lsp.start_client + buf_attach_client. Exits 0 on success, 1 on failure.
-- KUBEHARDEN_LSP: the server's command line; KUBEHARDEN_MANIFEST: the file.

local function fail(msg)
  io.stderr:write('FAIL: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

local ok, err = pcall(function()
  local manifest = os.getenv('KUBEHARDEN_MANIFEST')
  local cmd = vim.split(os.getenv('KUBEHARDEN_LSP'), ' ', { trimempty = true })
  vim.cmd('edit ' .. vim.fn.fnameescape(manifest))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'kubeharden',
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(manifest, ':h'),
  })
  if not client_id then
    return fail('the server did not start')
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local function privileged()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == 'privileged' then
        return d
      end
    end
  end
  if not vim.wait(15000, function() return privileged() ~= nil end, 20) then
    return fail('no privileged diagnostic')
  end
  local d = privileged()
  -- Byte columns: the client converted the server's UTF-16 ones.
  if d.lnum ~= 6 or d.col ~= 55 or d.end_col ~= 71 then
    return fail(string.format('range %d:%d-%d', d.lnum, d.col, d.end_col))
  end

  local client = vim.lsp.get_client_by_id(client_id)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum, character = d.end_col },
    },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, d.lnum) },
  }
  local reply = client.request_sync('textDocument/codeAction', params, 10000, bufnr)
  if not reply or reply.err or not reply.result then
    return fail('no code actions: ' .. vim.inspect(reply))
  end
  local action
  for _, a in ipairs(reply.result) do
    if a.title:find('^Set privileged to false') then
      action = a
    end
  end
  if not action then
    return fail('no "Set privileged to false" action: ' .. vim.inspect(reply.result))
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)

  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  if not text:find('privileged: false', 1, true) or text:find('privileged: true', 1, true) then
    return fail('buffer after the fix:\n' .. text)
  end
  -- The server sees the edit (didChange) and drops the finding.
  if not vim.wait(15000, function() return privileged() == nil end, 20) then
    return fail('the privileged diagnostic stayed after the fix')
  end
  vim.lsp.stop_client(client_id)
  vim.cmd('qall!')
end)
if not ok then
  fail(tostring(err))
end
