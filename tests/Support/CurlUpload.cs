using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace TailHub.Tests.Support;

/// <summary>
/// A real <c>curl -T -</c> process uploading what the test writes to its standard input, as
/// <c>some-command | curl -T - URL</c> does: the test decides when each byte is sent and when the command ends.
/// </summary>
public sealed class CurlUpload : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _errors;

    private CurlUpload(Process process)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
        _errors = process.StandardError.ReadToEndAsync();
    }

    /// <param name="headers">Extra request headers, as <c>Name: value</c>.</param>
    public static CurlUpload Start(Uri url, params string[] headers)
    {
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-sS", "-T", "-" }) start.ArgumentList.Add(arg);
        foreach (var header in headers)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add(header);
        }
        start.ArgumentList.Add(url.ToString());
        return new CurlUpload(Process.Start(start) ?? throw new InvalidOperationException("curl did not start"));
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to curl's standard input and flushes it, so curl sends it now.</summary>
    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteAsync(byte[] bytes)
    {
        await _process.StandardInput.BaseStream.WriteAsync(bytes);
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    /// <summary>Closes curl's standard input (the command ended) and returns the server's answer once curl exits.</summary>
    public async Task<string> FinishAsync(TimeSpan? timeout = null)
    {
        _process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        var output = await _output;
        if (_process.ExitCode != 0) throw new InvalidOperationException($"curl exited with {_process.ExitCode}: {await _errors}{output}");
        return output;
    }

    /// <summary>Closes standard input and parses the answer as JSON.</summary>
    public async Task<JsonElement> FinishJsonAsync(TimeSpan? timeout = null) => JsonDocument.Parse(await FinishAsync(timeout)).RootElement;

    /// <summary>Kills curl mid-upload: the connection drops without the body's end (a build agent that died).</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
