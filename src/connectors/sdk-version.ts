/** The version of the connector SDK this Parley provides; connectors declare the range they support in `sdk`. */
export const SDK_VERSION = '2.4.0';
