using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Xml;
using YamlDotNet.RepresentationModel;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Builds the MAML help file (module/en-US/S3MlLayout.PowerShell.dll-Help.xml) from the prose in docs/help/*.yaml
    /// and the parameter metadata of the compiled cmdlets, so syntax, types, positions and pipeline input can never
    /// disagree with the code. HelpTests checks that the committed file is what this produces;
    /// `./build.ps1 -Task Docs` (or S3MLLAYOUT_WRITE_HELP=1 dotnet test) rewrites it.
    /// </summary>
    public static class HelpGenerator
    {
        private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
        private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        private static readonly Dictionary<string, string> RiskParameters = new Dictionary<string, string>
        {
            ["WhatIf"] = "Shows what the command would do, one line per item it would change, without changing anything.",
            ["Confirm"] = "Asks for confirmation before each change.",
        };

        public sealed class Source
        {
            public string Synopsis = "";
            public List<string> Description = new List<string>();
            public Dictionary<string, string> Parameters = new Dictionary<string, string>();
            public List<(string Type, string Description)> Inputs = new List<(string, string)>();
            public List<(string Type, string Description)> Outputs = new List<(string, string)>();
            public string Notes = "";
            public List<(string Title, string Code, string Remarks)> Examples = new List<(string, string, string)>();
            public List<string> Links = new List<string>();
        }

        public static Source ReadSource(string path)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            string Text(YamlNode? node) => (node as YamlScalarNode)?.Value?.Trim() ?? "";
            YamlNode? Get(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
            var source = new Source
            {
                Synopsis = Text(Get(root, "synopsis")),
                Description = Paragraphs(Text(Get(root, "description"))),
                Notes = Text(Get(root, "notes")),
            };
            if (Get(root, "parameters") is YamlMappingNode parameters)
                foreach (var pair in parameters.Children) source.Parameters[Text(pair.Key)] = Text(pair.Value);
            foreach (var (key, list) in new[] { ("inputs", source.Inputs), ("outputs", source.Outputs) })
                if (Get(root, key) is YamlSequenceNode items)
                    foreach (YamlMappingNode item in items.Children.OfType<YamlMappingNode>()) list.Add((Text(Get(item, "type")), Text(Get(item, "description"))));
            if (Get(root, "examples") is YamlSequenceNode examples)
                foreach (YamlMappingNode example in examples.Children.OfType<YamlMappingNode>())
                    source.Examples.Add((Text(Get(example, "title")), Text(Get(example, "code")), Text(Get(example, "remarks"))));
            if (Get(root, "links") is YamlSequenceNode links)
                source.Links.AddRange(links.Children.Select(Text));
            return source;
        }

        /// <summary>The MAML document for the given cmdlets; problems (undocumented parameters ...) are listed, not thrown.</summary>
        public static string Generate(IEnumerable<CmdletInfo> cmdlets, string helpDirectory, List<string> problems)
        {
            var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
            var builder = new StringBuilder();
            using (var writer = XmlWriter.Create(builder, settings))
            {
                writer.WriteStartDocument();
                writer.WriteStartElement("helpItems", "http://msh");
                writer.WriteAttributeString("schema", "maml");
                string sharedPath = Path.Combine(helpDirectory, "common", "connection.yaml");
                var shared = File.Exists(sharedPath) ? ReadSource(sharedPath).Parameters : new Dictionary<string, string>();
                foreach (var cmdlet in cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal))
                {
                    string path = Path.Combine(helpDirectory, cmdlet.Name + ".yaml");
                    if (!File.Exists(path)) { problems.Add($"{cmdlet.Name}: no help source {path}"); continue; }
                    var source = ReadSource(path);
                    // The connection parameters are declared once (ConnectedCommandBase) and described once.
                    foreach (var pair in shared)
                        if (!source.Parameters.ContainsKey(pair.Key) && cmdlet.Parameters.ContainsKey(pair.Key)) source.Parameters[pair.Key] = pair.Value;
                    WriteCommand(writer, cmdlet, source, problems);
                }
                writer.WriteEndElement();
                writer.WriteEndDocument();
            }
            return builder.ToString().Replace("utf-16", "utf-8") + "\n";
        }

        private static void WriteCommand(XmlWriter w, CmdletInfo cmdlet, Source source, List<string> problems)
        {
            if (source.Synopsis.Length == 0) problems.Add($"{cmdlet.Name}: no synopsis");
            if (source.Description.Count == 0) problems.Add($"{cmdlet.Name}: no description");
            if (source.Examples.Count < 2) problems.Add($"{cmdlet.Name}: fewer than two examples");
            var parameters = DocumentedParameters(cmdlet).ToList();
            foreach (var p in parameters.Where(p => !Describe(source, p.Name).Any()))
                problems.Add($"{cmdlet.Name}: parameter -{p.Name} is not described");
            foreach (var extra in source.Parameters.Keys.Where(k => parameters.All(p => p.Name != k)))
                problems.Add($"{cmdlet.Name}: help describes -{extra}, which the cmdlet does not have");

            w.WriteStartElement("command", "command", Command);
            w.WriteAttributeString("xmlns", "maml", null, Maml);
            w.WriteAttributeString("xmlns", "dev", null, Dev);
            w.WriteStartElement("command", "details", Command);
            w.WriteElementString("command", "name", Command, cmdlet.Name);
            Paras(w, new[] { source.Synopsis });
            w.WriteElementString("command", "verb", Command, cmdlet.Verb);
            w.WriteElementString("command", "noun", Command, cmdlet.Noun);
            w.WriteEndElement();
            Paras(w, source.Description);

            w.WriteStartElement("command", "syntax", Command);
            foreach (var set in cmdlet.ParameterSets.OrderBy(s => s.IsDefault ? 0 : 1).ThenBy(s => s.Name, StringComparer.Ordinal))
            {
                w.WriteStartElement("command", "syntaxItem", Command);
                w.WriteElementString("maml", "name", Maml, cmdlet.Name);
                foreach (var p in set.Parameters.Where(p => Documented(p.Name)).OrderBy(p => p.Position < 0 ? int.MaxValue : p.Position).ThenBy(p => p.IsMandatory ? 0 : 1))
                    WriteParameter(w, cmdlet.Parameters[p.Name], source, p.IsMandatory, p.Position, p.ValueFromPipeline, p.ValueFromPipelineByPropertyName);
                w.WriteEndElement();
            }
            w.WriteEndElement();

            w.WriteStartElement("command", "parameters", Command);
            foreach (var p in parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                var sets = p.ParameterSets.Values;
                WriteParameter(w, p, source, sets.Any(s => s.IsMandatory), sets.Select(s => s.Position).DefaultIfEmpty(int.MinValue).Max(),
                    sets.Any(s => s.ValueFromPipeline), sets.Any(s => s.ValueFromPipelineByPropertyName));
            }
            w.WriteEndElement();

            WriteTypes(w, "inputTypes", "inputType", source.Inputs);
            WriteTypes(w, "returnValues", "returnValue", source.Outputs);
            if (source.Notes.Length > 0)
            {
                w.WriteStartElement("maml", "alertSet", Maml);
                w.WriteStartElement("maml", "alert", Maml);
                foreach (var para in Paragraphs(source.Notes)) w.WriteElementString("maml", "para", Maml, para);
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteStartElement("command", "examples", Command);
            foreach (var (title, code, remarks) in source.Examples)
            {
                w.WriteStartElement("command", "example", Command);
                w.WriteElementString("maml", "title", Maml, $"-------------------------- {title} --------------------------");
                w.WriteElementString("dev", "code", Dev, code);
                w.WriteStartElement("dev", "remarks", Dev);
                foreach (var para in Paragraphs(remarks)) w.WriteElementString("maml", "para", Maml, para);
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteStartElement("command", "relatedLinks", Command);
            foreach (var link in source.Links)
            {
                w.WriteStartElement("maml", "navigationLink", Maml);
                w.WriteElementString("maml", "linkText", Maml, link);
                w.WriteElementString("maml", "uri", Maml, "");
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }

        private static void WriteParameter(XmlWriter w, ParameterMetadata p, Source source, bool required, int position, bool byValue, bool byName)
        {
            bool isSwitch = p.SwitchParameter;
            w.WriteStartElement("command", "parameter", Command);
            w.WriteAttributeString("required", required ? "true" : "false");
            w.WriteAttributeString("variableLength", "true");
            w.WriteAttributeString("globbing", "false");
            w.WriteAttributeString("pipelineInput", byValue && byName ? "True (ByPropertyName, ByValue)" : byValue ? "True (ByValue)" : byName ? "True (ByPropertyName)" : "False");
            w.WriteAttributeString("position", position >= 0 ? position.ToString() : "named");
            w.WriteAttributeString("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases));
            w.WriteElementString("maml", "name", Maml, p.Name);
            Paras(w, Describe(source, p.Name));
            if (!isSwitch)
            {
                w.WriteStartElement("command", "parameterValue", Command);
                w.WriteAttributeString("required", "true");
                w.WriteAttributeString("variableLength", p.ParameterType.IsArray ? "true" : "false");
                w.WriteString(p.ParameterType.Name);
                w.WriteEndElement();
            }
            w.WriteStartElement("dev", "type", Dev);
            w.WriteElementString("maml", "name", Maml, p.ParameterType.FullName);
            w.WriteElementString("maml", "uri", Maml, "");
            w.WriteEndElement();
            w.WriteElementString("dev", "defaultValue", Dev, isSwitch ? "False" : "None");
            w.WriteEndElement();
        }

        private static void WriteTypes(XmlWriter w, string listName, string itemName, List<(string Type, string Description)> types)
        {
            w.WriteStartElement("command", listName, Command);
            foreach (var (type, description) in types)
            {
                w.WriteStartElement("command", itemName, Command);
                w.WriteStartElement("dev", "type", Dev);
                w.WriteElementString("maml", "name", Maml, type);
                w.WriteEndElement();
                Paras(w, Paragraphs(description));
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }

        private static IEnumerable<string> Describe(Source source, string parameter) =>
            source.Parameters.TryGetValue(parameter, out var text) && text.Length > 0 ? Paragraphs(text)
            : RiskParameters.TryGetValue(parameter, out var risk) ? new List<string> { risk } : new List<string>();

        public static IEnumerable<ParameterMetadata> DocumentedParameters(CmdletInfo cmdlet) =>
            cmdlet.Parameters.Values.Where(p => Documented(p.Name));

        private static bool Documented(string name) =>
            !CommonParameterNames.Contains(name) || RiskParameters.ContainsKey(name);

        private static readonly HashSet<string> CommonParameterNames = new HashSet<string>(
            Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);

        private static void Paras(XmlWriter w, IEnumerable<string> paragraphs)
        {
            w.WriteStartElement("maml", "description", Maml);
            foreach (var para in paragraphs) w.WriteElementString("maml", "para", Maml, para);
            w.WriteEndElement();
        }

        private static List<string> Paragraphs(string text) =>
            text.Replace("\r\n", "\n").Split(new[] { "\n\n" }, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
    }
}
