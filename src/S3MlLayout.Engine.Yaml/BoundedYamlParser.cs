using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using S3MlLayout.Engine.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>
    /// The YAML event stream of a template, checked while it is read and before YamlDotNet builds nodes from it:
    /// nesting depth (YamlDotNet's node loader recurses once per level, so deep nesting would overflow the stack) and
    /// the number of nodes aliases stand for (a "billion laughs" file of 3 KB expands to 10^10 nodes). Nothing is
    /// expanded here: each anchor's expanded size is counted once, when its node ends, and an alias adds that size.
    /// </summary>
    internal sealed class BoundedYamlParser : IParser
    {
        private readonly string _file;
        private readonly string _yaml;
        private readonly string _errorPrefix;
        private readonly Scanner _scanner;
        private readonly Parser _parser;
        private int _depth;
        private long _expanded;     // nodes read so far, each alias counted as the nodes it stands for
        private long _aliasNodes;   // the part of _expanded that aliases stand for
        private int _definitions;
        // Per anchor name: its latest definition, and that node's expanded size once it has ended (-1 while open).
        private readonly Dictionary<string, (int Definition, long Size)> _anchors = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
        private readonly Stack<(string? Anchor, int Definition, long Start)> _open = new Stack<(string?, int, long)>();

        /// <param name="errorPrefix">"Template" or "Tenant": the ErrorIds are {prefix}DepthLimit, {prefix}AliasLimit, {prefix}YamlInvalid.</param>
        public BoundedYamlParser(string yaml, string file, string errorPrefix = "Template")
        {
            _file = file;
            _yaml = yaml;
            _errorPrefix = errorPrefix;
            _scanner = new Scanner(new StringReader(yaml), skipComments: true);
            _parser = new Parser(_scanner);
        }

        /// <summary>Where the scanner is: the place to report an error that YamlDotNet raised without one.</summary>
        public Mark Position => _scanner.CurrentPosition;

        public ParsingEvent? Current => _parser.Current;

        /// <summary>
        /// {prefix}YamlInvalid for what YamlDotNet raised while loading, at the best position known: its own, the
        /// scanner's when it gave none (some malformed input raises plain exceptions, issue 7), and for a tab, the tab
        /// itself (YamlDotNet reports some tab errors at 1:1 or at the start of the node before it, issue 16).
        /// </summary>
        public TemplateException SyntaxError(Exception e)
        {
            string errorId = _errorPrefix + "YamlInvalid";
            string message = ContentFreeErrors.Clean(e.Message);
            int line = (int)_scanner.CurrentPosition.Line, column = (int)_scanner.CurrentPosition.Column;
            if (e is YamlException yaml) (line, column) = ((int)yaml.Start.Line, (int)yaml.Start.Column);
            if (ContentFreeErrors.IsAboutTabs(message)
                && ContentFreeErrors.TabIndentation(_yaml, Math.Max(line, (int)_scanner.CurrentPosition.Line) + 1) is (int, int) tab)
                return new TemplateException(errorId, _file, tab.Line, tab.Column,
                    "a tab indents this line, and YAML indents with spaces only; replace the tab with spaces.", e);
            return e is YamlException
                ? new TemplateException(errorId, _file, line, column, $"this is not valid YAML ({message}); fix the syntax at that position.", e)
                : new TemplateException(errorId, _file, line, column, $"this is not valid YAML (the parser stopped here: {message}); fix the syntax at that position.", e);
        }

        public bool MoveNext()
        {
            if (!_parser.MoveNext()) return false;
            Check(_parser.Current!);
            return true;
        }

        private void Check(ParsingEvent e)
        {
            switch (e)
            {
                case DocumentStart _:
                    _anchors.Clear(); // anchors are per document
                    break;
                case Scalar scalar:
                    _expanded++;
                    if (!scalar.Anchor.IsEmpty) _anchors[scalar.Anchor.Value] = (++_definitions, 1);
                    break;
                case NodeEvent collection when collection is SequenceStart || collection is MappingStart:
                    if (++_depth > TemplateLimits.MaxYamlNesting)
                        throw Limit(_errorPrefix + "DepthLimit", e,
                            $"the YAML is nested more than {TemplateLimits.MaxYamlNesting} levels deep (folders may nest {TemplateLimits.MaxDepth} levels); flatten the tree.");
                    string? anchor = collection.Anchor.IsEmpty ? null : collection.Anchor.Value;
                    int definition = anchor != null ? ++_definitions : 0;
                    if (anchor != null) _anchors[anchor] = (definition, -1);
                    _open.Push((anchor, definition, _expanded));
                    _expanded++;
                    break;
                case SequenceEnd _:
                case MappingEnd _:
                    _depth--;
                    var (ended, endedDefinition, start) = _open.Pop();
                    // Only if the name was not defined again inside the node: an alias refers to the latest definition.
                    if (ended != null && _anchors.TryGetValue(ended, out var latest) && latest.Definition == endedDefinition)
                        _anchors[ended] = (endedDefinition, _expanded - start);
                    break;
                case AnchorAlias alias:
                    string name = alias.Value.Value;
                    if (!_anchors.TryGetValue(name, out var target))
                        throw new TemplateException(_errorPrefix + "YamlInvalid", _file, Line(e), Column(e),
                            $"alias '*{name}' refers to no anchor before it; define '&{name}' earlier in the file, or remove the alias.");
                    if (target.Size < 0)
                        throw Limit(_errorPrefix + "AliasLimit", e,
                            $"alias '*{name}' is inside the node '&{name}' it refers to, so it would expand without end; refer to a node that does not contain the alias.");
                    _expanded += target.Size;
                    _aliasNodes += target.Size;
                    if (_aliasNodes > TemplateLimits.MaxAliasNodes)
                        throw Limit(_errorPrefix + "AliasLimit", e,
                            $"the aliases of this file stand for more than {TemplateLimits.MaxAliasNodes.ToString("N0", CultureInfo.InvariantCulture)} YAML nodes once expanded " +
                            $"('*{name}' alone for {target.Size.ToString("N0", CultureInfo.InvariantCulture)}); write the folders out or reuse smaller parts.");
                    break;
            }
        }

        private static int Line(ParsingEvent e) => (int)e.Start.Line;
        private static int Column(ParsingEvent e) => (int)e.Start.Column;

        private TemplateException Limit(string errorId, ParsingEvent e, string message) =>
            new TemplateException(errorId, ErrorKind.LimitsExceeded, _file, Line(e), Column(e), message);
    }
}
