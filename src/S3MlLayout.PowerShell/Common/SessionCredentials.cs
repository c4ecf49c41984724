using System;
using System.Management.Automation;
using System.Reflection;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// What AWS Tools' $StoredAWSCredentials holds, read without loading AWS Tools' assemblies (their types live in
    /// another load context, so they are read by name only). Set-AWSCredential -ProfileName leaves an object that
    /// wraps the profile's credentials in a non-public Credentials property; older scripts assign a profile name (a
    /// string). Anything that exposes GetCredentials() (an AWSCredentials, or a stand-in with that script method) or
    /// AccessKey/SecretKey properties is read as keys; an object with only ProfileName names a profile.
    /// </summary>
    internal sealed class SessionCredentials
    {
        public string? ProfileName { get; private set; }
        public string? AccessKey { get; private set; }
        public string? SecretKey { get; private set; }
        public string? SessionToken { get; private set; }

        public static SessionCredentials Read(object? value)
        {
            var result = new SessionCredentials();
            object? bare = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (bare)
            {
                case null:
                    return result;
                case string profile:
                    result.ProfileName = profile.Trim().Length == 0 ? null : profile.Trim();
                    return result;
            }
            var data = value as PSObject ?? PSObject.AsPSObject(bare);
            // AWS Tools' wrapper keeps the AWSCredentials in a non-public property; reflection reads it by name.
            if (!(bare is PSCustomObject))
            {
                var inner = bare.GetType().GetProperty("Credentials", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
                if (inner != null && inner.GetIndexParameters().Length == 0 && inner.GetValue(bare) is object credentials && Keys(PSObject.AsPSObject(credentials), result))
                    return result;
            }
            if (Keys(data, result)) return result;
            if (Text(data, "ProfileName") is string named) result.ProfileName = named;
            return result;
        }

        /// <summary>Keys from GetCredentials() (AWSCredentials' method, ImmutableCredentials' properties) or from AccessKey/SecretKey properties.</summary>
        private static bool Keys(PSObject data, SessionCredentials result)
        {
            var source = data;
            if (data.Methods["GetCredentials"] is PSMethodInfo method)
            {
                var immutable = method.Invoke();
                if (immutable != null) source = PSObject.AsPSObject(immutable);
            }
            string? access = Text(source, "AccessKey"), secret = Text(source, "SecretKey");
            if (access == null || secret == null) return false;
            result.AccessKey = access;
            result.SecretKey = secret;
            result.SessionToken = Text(source, "Token") ?? Text(source, "SessionToken");
            return true;
        }

        private static string? Text(PSObject data, string property)
        {
            object? value;
            try { value = data.Properties[property]?.Value; }
            catch (Exception e) when (e is GetValueException || e is ExtendedTypeSystemException) { return null; }
            string? text = (value is PSObject inner ? inner.BaseObject : value) as string;
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
    }
}
