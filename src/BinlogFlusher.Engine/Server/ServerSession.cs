using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Connection;
using MySqlConnector;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>One open connection to a server; every statement it runs is reported to <see cref="StatementRan"/> first, its text literals readable (<see cref="SqlText.Readable"/>).</summary>
    public sealed class ServerSession : IAsyncDisposable
    {
        readonly MySqlConnection connection;

        ServerSession(MySqlConnection connection, ConnectionSettings settings, Action<string>? statementRan)
        {
            this.connection = connection;
            Settings = settings;
            StatementRan = statementRan;
        }

        public ConnectionSettings Settings { get; }
        public Action<string>? StatementRan { get; }
        /// <summary>The server's id for this connection (for KILL in tests and diagnostics).</summary>
        public int ServerThreadId => connection.ServerThread;
        public bool IsOpen => connection.State == System.Data.ConnectionState.Open;

        public static async Task<ServerSession> OpenAsync(ConnectionSettings settings, Action<string>? statementRan, CancellationToken cancellationToken)
        {
            var connection = new MySqlConnection(settings.BuildConnectionString());
            try
            {
                // The driver honours the token while it connects, not while it waits for the server's greeting (up to
                // ConnectTimeout): a stop ends that wait too, and closing the connection ends the open.
                var opening = connection.OpenAsync(cancellationToken);
                var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (cancellationToken.Register(() => stopped.TrySetResult(true)))
                {
                    if (await Task.WhenAny(opening, stopped.Task).ConfigureAwait(false) != opening)
                    {
                        // Left to end on its own (the server's greeting, or ConnectTimeout), then closed.
                        _ = opening.ContinueWith(_ => connection.Dispose(), TaskScheduler.Default);
                        throw new OperationCanceledException(cancellationToken);
                    }
                    await opening.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                connection.Dispose();
                throw;
            }
            catch (MySqlException exception)
            {
                connection.Dispose();
                throw new FlushException(FlushErrorKind.ConnectionFailed,
                    $"Cannot connect to {settings}: {exception.Message.TrimEnd().TrimEnd('.')}. {settings.WhatToCheck}", exception);
            }
            return new ServerSession(connection, settings, statementRan);
        }

        public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params MySqlParameter[] parameters)
        {
            StatementRan?.Invoke(SqlText.Readable(sql));
            using var command = new MySqlCommand(sql, connection);
            foreach (var parameter in parameters) command.Parameters.Add(parameter);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params MySqlParameter[] parameters)
        {
            StatementRan?.Invoke(SqlText.Readable(sql));
            using var command = new MySqlCommand(sql, connection);
            foreach (var parameter in parameters) command.Parameters.Add(parameter);
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is DBNull ? null : value;
        }

        /// <summary>Every row of the first result that has rows, as name → value maps (column names compared case-insensitively).</summary>
        public async Task<List<Row>> QueryAsync(string sql, CancellationToken cancellationToken, params MySqlParameter[] parameters) =>
            (await QueryResultSetsAsync(sql, cancellationToken, parameters).ConfigureAwait(false)).FirstOrDefault(rows => rows.Count > 0) ?? new List<Row>();

        /// <summary>The rows of every result set of a multi-statement, in order (statements without a result set give none).</summary>
        public async Task<List<List<Row>>> QueryResultSetsAsync(string sql, CancellationToken cancellationToken, params MySqlParameter[] parameters)
        {
            StatementRan?.Invoke(SqlText.Readable(sql));
            using var command = new MySqlCommand(sql, connection);
            foreach (var parameter in parameters) command.Parameters.Add(parameter);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var sets = new List<List<Row>>();
            do
            {
                if (reader.FieldCount == 0) continue;
                var rows = new List<Row>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(Row.From(reader));
                sets.Add(rows);
            } while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
            return sets;
        }

        // Dispose, not DisposeAsync: its return type differs between MySqlConnector's netstandard2.0 and net builds, and
        // the engine must bind to whichever build the host process loaded.
        public ValueTask DisposeAsync()
        {
            connection.Dispose();
            return default;
        }
    }
}
