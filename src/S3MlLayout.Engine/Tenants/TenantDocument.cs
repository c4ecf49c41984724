using System;
using System.Collections.Generic;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.S3;

namespace S3MlLayout.Engine.Tenants
{
    /// <summary>A value read from a tenant file with where it was written, so later checks can point at it.</summary>
    internal readonly struct Located<T>
    {
        public Located(T value, SourceLocation location) { Value = value; Location = location; }
        public T Value { get; }
        public SourceLocation Location { get; }
        public override string ToString() => Value?.ToString() ?? "";
    }

    /// <summary>How a tenant names its layout template.</summary>
    internal enum TenantTemplateKind { BuiltIn, File, Inline }

    internal sealed class TenantTemplateRef
    {
        public TenantTemplateKind Kind;
        /// <summary>The built-in name or the path as written (relative to the tenant file); null for inline.</summary>
        public string? Value;
        /// <summary>The inline template, parsed by the template parser with positions in the tenant file.</summary>
        public TemplateDocument? Inline;
        public SourceLocation Location;
    }

    /// <summary>bucket settings as a tenant file declares them; null means "not said here" (inherit or default).</summary>
    internal sealed class TenantSettings
    {
        public Located<string>? KmsKeyId;
        public bool? Versioning;
        public int? AbortIncompleteUploadDays;
        public List<Located<LifecycleRuleSpec>>? Lifecycle;
        public List<Located<KeyValuePair<string, string>>>? Tags;
        public List<Located<BucketDefault>>? SkipDefaults;
        public TenantInventory? Inventory;
        public SourceLocation Location;
    }

    /// <summary>settings: inventory: as written; values checked and spelled canonically, defaults not yet applied (null: not said).</summary>
    internal sealed class TenantInventory
    {
        /// <summary>False: 'inventory: false' (an environment turning off the tenant's).</summary>
        public bool Enabled = true;
        public Located<string>? Frequency;
        public Located<string>? Format;
        public List<Located<string>>? Fields;
        public Located<string>? Destination;
        public Located<string>? Id;
        public Located<string>? Versions;
        public SourceLocation Location;
    }

    internal sealed class TenantConnection
    {
        public string? Profile;
        public string? Endpoint;
        public bool? ForcePathStyle;
        public bool? CustomRegion;
    }

    /// <summary>What the tenant level declares and an environment may override, key by key.</summary>
    internal sealed class TenantOverrides
    {
        public List<Located<string>>? Regions;
        public SourceLocation RegionsLocation;
        public List<Located<string>>? Solutions;
        public List<Located<DateTime>>? Dates;
        public SourceLocation DatesLocation;
        public TenantSettings? Settings;
        public List<Located<string>>? BucketFolders;
        public TenantConnection? Connection;
    }

    internal sealed class TenantEnvironment
    {
        public Located<string> Name;
        public Located<string>? BucketName;
        public TenantOverrides Overrides = new TenantOverrides();
    }

    /// <summary>A tenant file as read: structure and value formats checked, nothing resolved yet (docs/tenants.md).</summary>
    internal sealed class TenantDocument
    {
        public string File = "";
        public string Yaml = "";
        public SourceLocation Root;
        public Located<string> CompanyPrefix;
        public Located<string> TenantId;
        public TenantTemplateRef? Template;
        public TenantOverrides Defaults = new TenantOverrides();
        /// <summary>Null: the default environments dev, staging, prod with no overrides.</summary>
        public List<TenantEnvironment>? Environments;
    }
}
