using System;
using System.IO;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// A stream read once from start to end (a GET's body, a data file passing through a hash): it cannot seek or be
    /// written, and says so in one place; a subclass gives <see cref="Read"/> and, when it knows them, its length and position.
    /// </summary>
    internal abstract class ForwardReadStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
