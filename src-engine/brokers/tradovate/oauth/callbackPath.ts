/** The path Tradovate's answer comes back to, on the loopback listener and the serve address alike. */
export const CALLBACK_PATH_OF_LOOPBACK = '/oauth/tradovate/callback';
