using System.Net;
using System.Net.Sockets;

namespace DeepPassport.Engine.Tests.Data;

/// <summary>
/// Serves one byte array on 127.0.0.1 with HTTP Range support, for downloader tests. <see cref="CutAfter"/> makes
/// the next full response stop early (an interrupted download).
/// </summary>
public sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _content;
    private readonly Task _loop;
    public Uri Url { get; }
    public int? CutAfter { get; set; }
    public List<string?> RangeHeaders { get; } = [];

    public LoopbackFileServer(byte[] content, string name)
    {
        _content = content;
        int port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{port}/files/{name}");
        _loop = Task.Run(Serve);
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
            var range = ctx.Request.Headers["Range"];
            lock (RangeHeaders) RangeHeaders.Add(range);
            int start = 0;
            if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
            {
                start = int.Parse(range[6..].TrimEnd('-'));
                ctx.Response.StatusCode = 206;
                ctx.Response.AddHeader("Content-Range", $"bytes {start}-{_content.Length - 1}/{_content.Length}");
            }
            int end = _content.Length;
            if (CutAfter is int cut) { end = Math.Min(end, start + cut); CutAfter = null; }
            ctx.Response.ContentLength64 = _content.Length - start;
            try
            {
                await ctx.Response.OutputStream.WriteAsync(_content.AsMemory(start, end - start));
                if (end < _content.Length) { ctx.Response.Abort(); continue; }
                ctx.Response.Close();
            }
            catch (Exception) { /* the client went away */ }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
