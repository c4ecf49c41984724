using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>
    /// Checks a JSON document against a JSON Schema shipped with the module (module/schemas, embedded), for the
    /// keywords those schemas use: type, required, properties, additionalProperties, items, enum, const, minimum,
    /// minLength, pattern and local $ref. The schema file stays the one description of the format; this finds the
    /// first place a document departs from it and names it by its JSON path ($.buckets[0].changes[2].kind).
    /// </summary>
    internal sealed class JsonSchemaCheck
    {
        private readonly JsonElement _root;

        private JsonSchemaCheck(JsonElement root) { _root = root; }

        /// <summary>The embedded schema module/schemas/{name}.</summary>
        public static JsonSchemaCheck Embedded(string name)
        {
            using var stream = typeof(JsonSchemaCheck).Assembly.GetManifestResourceStream("S3MlLayout.Schemas." + name)
                ?? throw new InvalidOperationException($"The schema {name} is not embedded in the engine.");
            using var document = JsonDocument.Parse(stream);
            return new JsonSchemaCheck(document.RootElement.Clone());
        }

        /// <summary>Null when the document fits the schema; otherwise where it first does not, and why.</summary>
        public string? FirstProblem(JsonElement document) => Check(_root, document, "$");

        private string? Check(JsonElement schema, JsonElement value, string path)
        {
            if (schema.TryGetProperty("$ref", out var reference)) schema = Resolve(reference.GetString()!);
            if (schema.TryGetProperty("type", out var type) && !TypeFits(type, value))
                return $"{path}: expected {Describe(type)}, found {KindOf(value)}";
            if (schema.TryGetProperty("const", out var constant) && !SameValue(constant, value))
                return $"{path}: expected {constant.GetRawText()}";
            if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => SameValue(a, value)))
                return $"{path}: not one of the allowed values ({string.Join(", ", allowed.EnumerateArray().Select(a => a.GetRawText()))})";
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    string text = value.GetString()!;
                    if (schema.TryGetProperty("minLength", out var min) && text.Length < min.GetInt32()) return $"{path}: must not be empty";
                    if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.CultureInvariant))
                        return $"{path}: does not match {pattern.GetString()}";
                    break;
                case JsonValueKind.Number:
                    if (schema.TryGetProperty("minimum", out var minimum) && value.GetDouble() < minimum.GetDouble()) return $"{path}: must be at least {minimum.GetRawText()}";
                    break;
                case JsonValueKind.Array:
                    if (schema.TryGetProperty("items", out var items))
                    {
                        int i = 0;
                        foreach (var item in value.EnumerateArray())
                            if (Check(items, item, $"{path}[{i++}]") is string problem) return problem;
                    }
                    break;
                case JsonValueKind.Object:
                    var properties = schema.TryGetProperty("properties", out var p) ? p : default;
                    if (schema.TryGetProperty("required", out var required))
                        foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
                            if (!value.TryGetProperty(name, out _)) return $"{path}: the required key '{name}' is missing";
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var member in value.EnumerateObject())
                    {
                        string at = $"{path}.{Printable(member.Name)}";
                        if (!seen.Add(member.Name)) return $"{at}: the key appears twice";
                        if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(member.Name, out var known))
                        {
                            if (Check(known, member.Value, at) is string problem) return problem;
                        }
                        else if (schema.TryGetProperty("additionalProperties", out var extra))
                        {
                            if (extra.ValueKind == JsonValueKind.False) return $"{at}: unknown key";
                            if (extra.ValueKind == JsonValueKind.Object && Check(extra, member.Value, at) is string problem) return problem;
                        }
                    }
                    break;
            }
            return null;
        }

        private JsonElement Resolve(string reference)
        {
            if (!reference.StartsWith("#/", StringComparison.Ordinal)) throw new InvalidOperationException($"Only local references are supported: {reference}");
            var at = _root;
            foreach (var part in reference.Substring(2).Split('/')) at = at.GetProperty(part);
            return at;
        }

        private static bool TypeFits(JsonElement type, JsonElement value) =>
            type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => Fits(t.GetString()!, value)) : Fits(type.GetString()!, value);

        private static bool Fits(string type, JsonElement value) => type switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "number" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind == JsonValueKind.True || value.ValueKind == JsonValueKind.False,
            "array" => value.ValueKind == JsonValueKind.Array,
            "object" => value.ValueKind == JsonValueKind.Object,
            "null" => value.ValueKind == JsonValueKind.Null,
            _ => false,
        };

        private static string Describe(JsonElement type) =>
            type.ValueKind == JsonValueKind.Array ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString())) : type.GetString()!;

        private static string KindOf(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => value.TryGetInt64(out _) ? "an integer" : "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => "null",
        };

        private static bool SameValue(JsonElement a, JsonElement b) => Canonical(a) == Canonical(b);

        /// <summary>A key as it may appear in a message: control characters escaped, long ones cut.</summary>
        private static string Printable(string name)
        {
            var text = new StringBuilder();
            foreach (char c in name.Length > 64 ? name.Substring(0, 64) : name)
                text.Append(char.IsControl(c) || c == '\u2028' || c == '\u2029' ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString());
            if (name.Length > 64) text.Append("...");
            return Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$") ? text.ToString() : "['" + text + "']";
        }

        /// <summary>
        /// A value's canonical JSON: object keys in ordinal order, no whitespace, strings and numbers as System.Text.Json
        /// writes them. Reformatting a file or reordering its keys does not change it; changing any value does.
        /// </summary>
        public static string Canonical(JsonElement value)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer)) Write(writer, value);
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Write(Utf8JsonWriter writer, JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(member.Name);
                        Write(writer, member.Value);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in value.EnumerateArray()) Write(writer, item);
                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String: writer.WriteStringValue(value.GetString()); break;
                case JsonValueKind.Number:
                    if (value.TryGetInt64(out long whole)) writer.WriteNumberValue(whole); else writer.WriteNumberValue(value.GetDouble());
                    break;
                case JsonValueKind.True: writer.WriteBooleanValue(true); break;
                case JsonValueKind.False: writer.WriteBooleanValue(false); break;
                default: writer.WriteNullValue(); break;
            }
        }
    }
}
