using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace S3MlLayout.Engine.Tests.Support;

/// <summary>
/// Runs shared/tools/s3_inventory_fixture.py (beside the repository: ../shared), the report writer that no one
/// here wrote the reader for. A missing tool fails the test, never skips it.
/// </summary>
public static class InventoryFixtureTool
{
    public static string ToolPath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "S3MlLayout.psd1"))) dir = dir.Parent;
            Assert.True(dir != null, "repository root (S3MlLayout.psd1) not found above " + AppContext.BaseDirectory);
            // CI lays a copy of shared/ beside the clone; a worktree may sit deeper: the nearest ancestor's shared/ serves.
            string? tool = null;
            for (var up = dir!.Parent; up != null && tool == null; up = up.Parent)
            {
                string candidate = Path.Combine(up.FullName, "shared", "tools", "s3_inventory_fixture.py");
                if (File.Exists(candidate)) tool = candidate;
            }
            Assert.True(tool != null, $"The inventory fixture tool is missing: no shared/tools/s3_inventory_fixture.py beside {dir.FullName} or above it (CI lays shared/ beside the repository).");
            return tool!;
        }
    }

    /// <summary>Runs the tool; returns the manifest key it wrote (relative to the destination) and its row count.</summary>
    public static (string Manifest, long Rows, int Files) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ToolPath);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(600_000), "the inventory fixture tool did not finish in 10 minutes");
        Assert.True(process.ExitCode == 0, $"the inventory fixture tool failed ({process.ExitCode}): {stderr.Result}");
        using var json = JsonDocument.Parse(stdout.Result.Trim().Split('\n').Last());
        return (json.RootElement.GetProperty("manifest").GetString()!, json.RootElement.GetProperty("rows").GetInt64(), json.RootElement.GetProperty("files").GetInt32());
    }
}
