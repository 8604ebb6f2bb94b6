namespace ThriftFaultProxy.Client.Tests.Thrift;

/// <summary>The few TCLIService facts the hand-written Thrift messages need (field ids from TCLIService.thrift).</summary>
public static class TcliProtocol
{
    /// <summary>TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8 (0xA508).</summary>
    public const int ProtocolV8 = 0xA508;

    /// <summary>TStatusCode values.</summary>
    public const int StatusSuccess = 0;
    public const int StatusError = 3;
    public const int StatusInvalidHandle = 4;

    /// <summary>TOpenSessionReq fields.</summary>
    public const short OpenSessionClientProtocol = 1;
    public const short OpenSessionUsername = 2;
    public const short OpenSessionPassword = 3;

    /// <summary>TExecuteStatementReq fields.</summary>
    public const short ExecuteSessionHandle = 1;
    public const short ExecuteStatement = 2;
    public const short ExecuteGetDirectResults = 1281;
    public const short ExecuteCanDownloadResult = 1283;

    /// <summary>TSparkGetDirectResults.maxRows.</summary>
    public const short GetDirectResultsMaxRows = 1;

    /// <summary>Every T*Resp carries its TStatus as field 1; TStatus fields.</summary>
    public const short RespStatus = 1;
    public const short StatusCode = 1;
    public const short StatusSqlState = 3;
    public const short StatusErrorMessage = 5;

    /// <summary>TOpenSessionResp fields after status.</summary>
    public const short OpenSessionServerProtocol = 2;
    public const short OpenSessionSessionHandle = 3;

    /// <summary>TSessionHandle.sessionId; THandleIdentifier.guid and .secret.</summary>
    public const short SessionHandleId = 1;
    public const short HandleGuid = 1;
    public const short HandleSecret = 2;
}
