using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Tests.Support;

internal static class TemplateAssert
{
    /// <summary>Parses <paramref name="yaml"/> as t.yaml and checks the error it raises: id, file, line, column and message prefix.</summary>
    public static TemplateException Fails(string yaml, string errorId, int line, int column)
    {
        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.Parse(yaml, "t.yaml"));
        At(error, errorId, "t.yaml", line, column);
        return error;
    }

    public static void At(TemplateException error, string errorId, string file, int line, int column)
    {
        Assert.Equal((errorId, file, line, column), (error.ErrorId, error.File, error.Line, error.Column));
        Assert.StartsWith($"{file}:{line}:{column}: ", error.Message);
        Assert.Equal($"{file}:{line}:{column}", error.Target);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    /// <summary>The folder at a slash-separated path of a folder list, or a test failure naming the path.</summary>
    public static FolderSpec Folder(IEnumerable<FolderSpec> folders, string path)
    {
        FolderSpec? current = null;
        foreach (var part in path.Split('/'))
        {
            var list = current?.Folders ?? folders;
            current = list.FirstOrDefault(f => f.Name == part);
            Assert.True(current != null, $"folder '{path}' not found (missing at '{part}')");
        }
        return current!;
    }

    public static string[] Names(IEnumerable<FolderSpec> folders) => folders.Select(f => f.Name).ToArray();
}
