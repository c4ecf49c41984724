namespace S3MlLayout.Engine.Tests.Support;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on Dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "s3mllayout-engine-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The full path of the directory.</summary>
    public string Root { get; }

    public string PathOf(params string[] relative) => System.IO.Path.Combine(new[] { Root }.Concat(relative).ToArray());

    /// <summary>Writes a text file (creating its directory) and returns its full path.</summary>
    public string WriteFile(string relative, string content)
    {
        string full = PathOf(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
