using System;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>Upper bounds for waiting on events; a passing test never waits this long.</summary>
public static class Waits
{
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(15);
}
