using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace BinlogFlusher.HelpBuilder;

/// <summary>
/// Reads the cmdlets of the built module assembly from its metadata (System.Reflection.Metadata: nothing is loaded or
/// run, so a netstandard2.0 assembly that references System.Management.Automation reads fine from this net10.0 tool).
/// </summary>
static class CmdletCatalog
{
    const string Automation = "System.Management.Automation";

    public static List<CmdletInfo> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var cmdlets = new List<CmdletInfo>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (Find(reader, type.GetCustomAttributes(), "CmdletAttribute") is not { } attribute) continue;
            var value = attribute.DecodeValue(AttributeTypes.Instance);
            var cmdlet = new CmdletInfo
            {
                Name = $"{value.FixedArguments[0].Value}-{value.FixedArguments[1].Value}",
                SupportsShouldProcess = value.NamedArguments.Any(a => a.Name == "SupportsShouldProcess" && a.Value is true),
            };
            // The parameters of the cmdlet class and of its base classes in this assembly (HostCommandBase).
            for (var current = (TypeDefinitionHandle?)handle; current is { } typeHandle;)
            {
                var definition = reader.GetTypeDefinition(typeHandle);
                foreach (var propertyHandle in definition.GetProperties())
                {
                    var property = reader.GetPropertyDefinition(propertyHandle);
                    var attributes = property.GetCustomAttributes();
                    if (Find(reader, attributes, "ParameterAttribute") is null) continue;
                    var aliases = new List<string>();
                    if (Find(reader, attributes, "AliasAttribute") is { } alias
                        && alias.DecodeValue(AttributeTypes.Instance).FixedArguments[0].Value is ImmutableArray<CustomAttributeTypedArgument<string>> names)
                        aliases.AddRange(names.Select(n => (string)n.Value!));
                    cmdlet.Parameters.TryAdd(reader.GetString(property.Name), aliases);
                }
                current = definition.BaseType.Kind == HandleKind.TypeDefinition ? (TypeDefinitionHandle)definition.BaseType : null;
            }
            if (cmdlet.SupportsShouldProcess)
            {
                cmdlet.Parameters.TryAdd("WhatIf", new List<string> { "wi" });
                cmdlet.Parameters.TryAdd("Confirm", new List<string> { "cf" });
            }
            cmdlets.Add(cmdlet);
        }
        return cmdlets;
    }

    static CustomAttribute? Find(MetadataReader reader, CustomAttributeHandleCollection attributes, string name)
    {
        foreach (var handle in attributes)
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference) continue;
            var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference) continue;
            var type = reader.GetTypeReference((TypeReferenceHandle)parent);
            if (reader.StringComparer.Equals(type.Name, name) && reader.StringComparer.Equals(type.Namespace, Automation)) return attribute;
        }
        return null;
    }

    /// <summary>Enough of a type provider to decode the arguments of CmdletAttribute and AliasAttribute.</summary>
    sealed class AttributeTypes : ICustomAttributeTypeProvider<string>
    {
        public static readonly AttributeTypes Instance = new();
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetSystemType() => "System.Type";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeDefinition(handle).Namespace) + "." + reader.GetString(reader.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeReference(handle).Namespace) + "." + reader.GetString(reader.GetTypeReference(handle).Name);
        public string GetTypeFromSerializedName(string name) => name;
        // The enums these attributes take (ConfirmImpact) are Int32 enums.
        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;
        public bool IsSystemType(string type) => type == "System.Type";
    }
}
