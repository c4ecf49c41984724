using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// What names a bucket and where it lives, as -BucketName/-Override and the connection parameters give it.
    /// Plain data: New-MlBucket, Get-MlBucket and every -BucketName parameter set describe a bucket through it.
    /// </summary>
    internal sealed class BucketLocation
    {
        public string Name { get; set; } = "";
        public string? CompanyPrefix { get; set; }
        public string? Environment { get; set; }
        public string? TenantId { get; set; }
        public string? Region { get; set; }
        public string? LocalPath { get; set; }
        public string? ProfileName { get; set; }
        public string? ProfileLocation { get; set; }
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        public string? SessionToken { get; set; }
        public string? EndpointUrl { get; set; }
        public bool ForcePathStyle { get; set; }
        public bool SkipCertificateCheck { get; set; }
        public string? ExpectedBucketOwner { get; set; }
        /// <summary>Null when -TimeoutSec was not given.</summary>
        public int? TimeoutSec { get; set; }

        public bool AnyConnectionParameter =>
            ProfileName != null || ProfileLocation != null || AccessKey != null || SecretKey != null || SessionToken != null || EndpointUrl != null
            || ForcePathStyle || SkipCertificateCheck || ExpectedBucketOwner != null || TimeoutSec != null;
    }

    /// <summary>
    /// Binds a bucket that crossed a process boundary (Start-Job/Receive-Job, Invoke-Command, Import-Clixml): PowerShell
    /// hands over a property bag typed Deserialized.S3MlLayout.Engine.Storage.MlBucket. It is rebuilt from its name and
    /// non-secret connection settings; the credentials are resolved afresh when the bucket is opened
    /// (<see cref="MlCmdlet"/>.OpenExistingBucket), where errors keep their ErrorIds. Anything else is passed on
    /// unchanged, so it still fails to bind (InputObjectNotBound): a [pscustomobject] with a Name is not a bucket.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class BucketTransformationAttribute : ArgumentTransformationAttribute
    {
        internal const string DeserializedTypeName = "Deserialized.S3MlLayout.Engine.Storage.MlBucket";

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            inputData is PSObject wrapped && !(wrapped.BaseObject is MlBucket) && wrapped.TypeNames.Contains(DeserializedTypeName)
                ? Rebuild(wrapped) ?? inputData
                : inputData;

        /// <summary>The bucket a deserialized bucket stands for; null when its properties do not make one.</summary>
        internal static MlBucket? Rebuild(PSObject data)
        {
            string? name = Text(data, "Name");
            if (name == null || !Enum.TryParse<StorageKind>(Text(data, "Target"), true, out var kind)) return null;
            try { BucketNaming.Validate(name); }
            catch (Engine.Errors.MlLayoutException) { return null; }
            var bucket = new MlBucket
            {
                Name = name, Kind = kind, Region = Text(data, "Region"),
                CompanyPrefix = Text(data, "CompanyPrefix"), Environment = Text(data, "Environment"), TenantId = Text(data, "TenantId"),
                CreatedUtc = Value(data, "CreatedUtc") as DateTime?,
                Solution = Texts(Value(data, "Solution")), Template = Text(data, "Template"), Include = Texts(Value(data, "Include")),
                Date = TextListAttribute.Split(Value(data, "Date")).OfType<DateTime>().ToArray(),
            };
            if (kind == StorageKind.Local)
            {
                // The bucket directory itself; its last segment must be the bucket, as New-MlBucket made it.
                string? directory = Text(data, "LocalPath")?.TrimEnd('/', '\\');
                if (directory == null || !Path.IsPathRooted(directory) || !string.Equals(Path.GetFileName(directory), name, StringComparison.Ordinal)) return null;
                bucket.LocalPath = directory;
                bucket.Uri = directory + Path.DirectorySeparatorChar;
                return bucket;
            }
            // Only the description travels; S3Buckets.Attach replaces it with the freshly resolved connection.
            var connection = Value(data, "Connection") as PSObject;
            string? Setting(string property) => (connection != null ? Text(connection, property) : null);
            bool Flag(string property) => connection != null && Value(connection, property) is bool b && b;
            bucket.Uri = $"s3://{name}/";
            bucket.Connection = new BucketConnection
            {
                Region = Setting("Region") ?? bucket.Region ?? "",
                RegionSource = "the deserialized bucket",
                EndpointUrl = Setting("EndpointUrl") ?? Text(data, "EndpointUrl"),
                EndpointSource = "the deserialized bucket",
                ForcePathStyle = Flag("ForcePathStyle"),
                ProfileName = Setting("ProfileName"),
                CredentialSource = "not resolved yet",
                ExpectedBucketOwner = Setting("ExpectedBucketOwner"),
                SkipCertificateCheck = Flag("SkipCertificateCheck"),
                Timeout = connection != null && Value(connection, "Timeout") is TimeSpan timeout ? timeout : TimeSpan.Zero,
            };
            return bucket;
        }

        private static object? Value(PSObject data, string property)
        {
            var value = data.Properties[property]?.Value;
            return value is PSObject inner && !(inner.BaseObject is PSCustomObject) ? inner.BaseObject : value;
        }

        private static string? Text(PSObject data, string property)
        {
            var value = Value(data, property);
            string? text = value is PSObject inner ? inner.ToString() : value?.ToString();
            return string.IsNullOrEmpty(text) ? null : text;
        }

        private static string[] Texts(object? value) => TextListAttribute.Split(value).Select(o => o.ToString()).ToArray();
    }

    /// <summary>
    /// A list given as one text, as a CSV cell holds it: 'churn;fraud' or 'churn, fraud' is two items, and an empty
    /// cell is no item at all. Arrays pass through, their text elements split the same way.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TextListAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => Split(inputData);

        internal static object[] Split(object? input)
        {
            var items = new List<object>();
            void Add(object? item)
            {
                item = item is PSObject wrapped ? wrapped.BaseObject : item;
                switch (item)
                {
                    case null: return;
                    case string text:
                        items.AddRange(text.Split(';', ',').Select(t => t.Trim()).Where(t => t.Length > 0));
                        return;
                    case IEnumerable list when !(item is IDictionary):
                        foreach (var element in list) Add(element);
                        return;
                    default:
                        items.Add(item);
                        return;
                }
            }
            Add(input);
            return items.ToArray();
        }
    }

    /// <summary>An empty (or blank) text means "not given": a CSV cell left empty binds as if the column were absent.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class EmptyAsNullAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is string text && text.Trim().Length == 0 ? null : inputData;
    }

    /// <summary>An empty text means the parameter's default (a number column left empty in a CSV).</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class EmptyAsDefaultAttribute : ArgumentTransformationAttribute
    {
        private readonly object _default;
        public EmptyAsDefaultAttribute(int value) { _default = value; }

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is string text && text.Trim().Length == 0 ? _default : inputData;
    }

    /// <summary>
    /// A switch given as text (CSV): true/false, yes/no, 1/0; empty is false. PowerShell itself refuses text for a
    /// switch, so without this a ForcePathStyle column could not bind.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SwitchTextAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (!((inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is string text)) return inputData;
            switch (text.Trim().ToLowerInvariant())
            {
                case "": case "false": case "no": case "0": case "$false": return false;
                case "true": case "yes": case "1": case "$true": return true;
                default: throw new ArgumentTransformationMetadataException($"'{text}' is not a switch value; use true or false (or leave it empty).");
            }
        }
    }

    /// <summary>
    /// Tags as a hashtable, any dictionary, an object's properties (ConvertFrom-Json, a tenant file) or a CSV text
    /// 'cost-center=42;owner=ml'; empty is no tags.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TableAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : inputData;
            if (value is IEnumerable list && !(value is string) && !(value is IDictionary))
                return list.Cast<object?>().Select(ToTable).Where(t => t != null).ToArray();
            return ToTable(value);
        }

        internal static Hashtable? ToTable(object? value)
        {
            value = value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : value;
            switch (value)
            {
                case null: return null;
                case Hashtable table: return table;
                case IDictionary dictionary:
                    var copy = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (DictionaryEntry entry in dictionary) copy[entry.Key] = entry.Value;
                    return copy;
                case PSObject properties:
                    var fromObject = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var property in properties.Properties) fromObject[property.Name] = property.Value;
                    return fromObject;
                case string text:
                    if (text.Trim().Length == 0) return null;
                    var fromText = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var pair in text.Split(';', ',').Select(p => p.Trim()).Where(p => p.Length > 0))
                    {
                        int equals = pair.IndexOf('=');
                        if (equals <= 0) throw new ArgumentTransformationMetadataException($"'{pair}' is not key=value; write tags as 'key=value;key2=value2'.");
                        fromText[pair.Substring(0, equals).Trim()] = pair.Substring(equals + 1).Trim();
                    }
                    return fromText;
                default: return null;
            }
        }
    }
}
