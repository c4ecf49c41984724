using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3MlLayout.Engine.Provisioning
{
    /// <summary>How the records under .s3mllayout/ (declarations, audit records) are written: one format for all.</summary>
    internal static class RecordJson
    {
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // files, not HTML: keep '->' and non-ASCII readable
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
    }
}
